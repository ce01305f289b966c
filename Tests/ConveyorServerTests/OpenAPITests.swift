import Conveyor
import ConveyorServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

/// `/openapi.json` is a sound document, and every operation in it answers as it says: with a
/// key, with sample input, a documented status and the documented fields; without a key, 401.
@Suite("API: the OpenAPI document matches the server")
struct OpenAPITests {
    @Test func everyDocumentedOperationAnswersAsDocumented() async throws {
        try await withAPI { client, conveyor in
            let served = try await client.execute(uri: "/openapi.json", method: .get)
            #expect(served.status == .ok)
            let document = try #require(try JSONSerialization.jsonObject(with: Data(served.body.readableBytesView)) as? [String: Any])
            try Self.checkStructure(document)
            let paths = try #require(document["paths"] as? [String: [String: Any]])

            var scheduleCount = 0
            for (path, operations) in paths.sorted(by: { $0.key < $1.key }) {
                for (method, value) in operations.sorted(by: { $0.key < $1.key }) {
                    let operation = try #require(value as? [String: Any])
                    let id = operation["operationId"] as? String ?? "?"
                    let documented = Set((operation["responses"] as? [String: Any] ?? [:]).keys)
                    // Fresh fixtures for the operation: a job, the default queue, a schedule.
                    let job = try await conveyor.enqueue(kind: "noop").job
                    if (try? await conveyor.schedule(named: "probe")) == nil {
                        try await conveyor.addSchedule(ScheduleDefinition(name: "probe", kind: "noop", recurrence: .daily(hour: 8)))
                    }
                    scheduleCount += 1
                    var uri = path.replacingOccurrences(of: "{id}", with: "\(job.id)")
                        .replacingOccurrences(of: "{name}", with: path.contains("schedules") ? "probe" : "default")
                    if id == "streamEvents" { uri += "?job=not-a-number" }
                    if id == "retryJobs" || id == "cancelJobs" { uri += "?queue=default" }
                    let body = Self.sampleBody(id, serial: scheduleCount)
                    let httpMethod = HTTPRequest.Method(rawValue: method.uppercased())!
                    let secured = (operation["security"] as? [Any])?.isEmpty == false
                    if secured {
                        let anonymous = try await client.execute(uri: uri, method: httpMethod, body: body.map { ByteBuffer(string: $0) })
                        #expect(anonymous.status == .unauthorized && documented.contains("401"), "\(id) without a key: \(anonymous.status)")
                    }
                    let response = try await client.execute(uri: uri, method: httpMethod, headers: [.authorization: "Bearer \(adminKey)"],
                                                            body: body.map { ByteBuffer(string: $0) })
                    let status = String(response.status.code)
                    #expect(documented.contains(status), "\(id) answered \(status), documented: \(documented.sorted()) — \(String(buffer: response.body))")
                    guard let answer = (operation["responses"] as? [String: Any])?[status] as? [String: Any],
                          let schema = ((answer["content"] as? [String: Any])?["application/json"] as? [String: Any])?["schema"] as? [String: Any] else { continue }
                    let object = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any] ?? [:]
                    for field in Self.required(schema, in: document) {
                        #expect(object[field] != nil, "\(id) \(status): documented field '\(field)' is missing")
                    }
                }
            }
        }
    }

    /// The router and the document name the same operations: a route added without its
    /// documentation, or documented and never added, fails here. (The test above then checks
    /// each documented operation's answers, and the fuzz run in `scripts/test.sh` every field.)
    @Test func theRouterServesExactlyTheDocumentedOperations() async throws {
        let routes = Mutex<[String]>([])
        try await withAPI(application: { server, logger in
            let router = Router(context: BasicConveyorRequestContext.self)
            server.addRoutes(to: router)
            routes.withLock { $0 = router.routes.map { "\($0.method.rawValue) \($0.path)" } }
            return Application(router: router, logger: logger)
        }) { client, _ in
            let served = try await client.execute(uri: "/openapi.json", method: .get)
            let document = try #require(try JSONSerialization.jsonObject(with: Data(served.body.readableBytesView)) as? [String: Any])
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            let documented = Set(paths.flatMap { path, operations in operations.keys.map { "\($0.uppercased()) \(path)" } })
            // The dashboard's pages are HTML for people, not API: the document leaves them out.
            let operational = ["/health", "/ready", "/openapi.json", "/metrics"]
            let api = Set(routes.withLock { $0 }.filter { route in
                let path = route.drop { $0 != " " }.dropFirst()
                return path.hasPrefix("/api/") || operational.contains(String(path))
            })
            #expect(api.subtracting(documented).sorted() == [], "routes the document does not describe")
            #expect(documented.subtracting(api).sorted() == [], "documented operations no route serves")
            #expect(documented.count == 43)
        }
    }

    static func sampleBody(_ operation: String, serial: Int) -> String? {
        switch operation {
        case "enqueueJob": #"{"kind": "noop", "args": {"n": 1}}"#
        case "enqueueBatch": #"{"jobs": [{"kind": "noop"}], "callback": {"kind": "noop"}}"#
        case "setQueueLimits": #"{"concurrency": 3}"#
        case "fetchWork": #"{"worker": "probe-worker", "queues": ["default"]}"#
        case "workDeclare": #"{"worker": "probe-worker", "kinds": [{"kind": "probe.kind", "timeout_seconds": 60}]}"#
        case "workHeartbeat": #"{"worker": "probe-worker", "queues": ["default"], "leases": []}"#
        case "createSchedule": #"{"name": "made-\#(serial)", "kind": "noop", "recurrence": {"type": "daily", "hour": 8}}"#
        case "replaceSchedule": #"{"name": "probe", "kind": "noop", "recurrence": {"type": "hourly", "minute": 5}}"#
        default: nil
        }
    }

    /// The required fields of a schema, following `$ref` and `allOf`.
    static func required(_ schema: [String: Any], in document: [String: Any]) -> [String] {
        if let reference = schema["$ref"] as? String, let resolved = resolve(reference, in: document) {
            return required(resolved, in: document)
        }
        let own = schema["required"] as? [String] ?? []
        let parts = (schema["allOf"] as? [[String: Any]] ?? []).flatMap { required($0, in: document) }
        return own + parts
    }

    static func resolve(_ reference: String, in document: [String: Any]) -> [String: Any]? {
        guard reference.hasPrefix("#/") else { return nil }
        var node: Any = document
        for part in reference.dropFirst(2).split(separator: "/") {
            guard let next = (node as? [String: Any])?[String(part)] else { return nil }
            node = next
        }
        return node as? [String: Any]
    }

    /// An OpenAPI 3 document whose every `$ref` resolves, with unique operation ids and
    /// responses on every operation.
    static func checkStructure(_ document: [String: Any]) throws {
        #expect((document["openapi"] as? String)?.hasPrefix("3.") == true)
        #expect((document["info"] as? [String: Any])?["title"] is String)
        var references: [String] = []
        func collect(_ node: Any) {
            if let object = node as? [String: Any] {
                if let reference = object["$ref"] as? String { references.append(reference) }
                object.values.forEach(collect)
            } else if let array = node as? [Any] {
                array.forEach(collect)
            }
        }
        collect(document)
        #expect(!references.isEmpty)
        for reference in references { #expect(resolve(reference, in: document) != nil, "\(reference) does not resolve") }
        let operations = (document["paths"] as? [String: [String: Any]] ?? [:]).values.flatMap { $0.values.compactMap { $0 as? [String: Any] } }
        let ids = operations.compactMap { $0["operationId"] as? String }
        #expect(ids.count == operations.count && Set(ids).count == ids.count, "operation ids are missing or repeated")
        #expect(operations.allSatisfy { ($0["responses"] as? [String: Any])?.isEmpty == false })
    }
}
