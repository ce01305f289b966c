import Conveyor
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// A served API answers what a careless or hostile client sends with a 4xx that names the
/// field, on both stores alike, and the process lives on with nothing stored.
@Suite("CLI: a served API refuses bad requests and lives on", .serialized)
struct HostileRequestsTests {
    static let stores = ["sqlite"] + (testPostgresURL == nil ? [] : ["postgres"])

    struct Case {
        let method: String
        let path: String
        var body: Data?
        let status: Int
        var field: String?
    }

    @Test(arguments: stores)
    func badRequestsGetA4xxNamingTheField(store: String) async throws {
        let folder = try makeFolder()
        if store == "postgres" {
            try await withPostgresStore(url: try #require(testPostgresURL)) { _, url in try await check(database: url, in: folder) }
        } else {
            try await check(database: "sqlite:" + folder.appendingPathComponent("api.sqlite").path, in: folder)
        }
    }

    private func check(database: String, in folder: URL) async throws {
        let serve = try CLIProcess.start(["serve", "--port", "0", "--database", database, "--api-key", "\(Self.adminKey):admin"], in: folder, log: "serve.log")
        defer { if CLIProcess.exitStatus(of: serve) == nil { serve.terminate() } }
        let port = try await Self.port(of: folder.appendingPathComponent("serve.log"))
        let client = Client(base: "http://127.0.0.1:\(port)")

        let created = try await client.send("POST", "/api/v1/jobs", json: #"{"kind": "noop", "scheduled_at": "9999-12-31T23:59:59Z"}"#)
        #expect(created.status == 201, "\(created.text)")
        let id = try #require(created.object?["id"] as? Int)

        let json = { (text: String) in Data(text.utf8) }
        let cases = [
            Case(method: "GET", path: "/api/v1/jobs?inserted_after=300000-01-01T00:00:00Z", status: 400, field: "inserted_after"),
            Case(method: "GET", path: "/api/v1/jobs?inserted_after=1960-01-01T00:00:00Z", status: 400, field: "inserted_after"),
            Case(method: "GET", path: "/api/v1/jobs?inserted_after=2026-01-01T00:00:00%2B23:59", status: 200),
            Case(method: "GET", path: "/api/v1/jobs?inserted_before=99999-01-01T00:00:00Z", status: 400, field: "inserted_before"),
            Case(method: "POST", path: "/api/v1/jobs", body: json(#"{"kind": "noop", "scheduled_at": "300000-01-01T00:00:00Z"}"#), status: 400, field: "scheduled_at"),
            Case(method: "POST", path: "/api/v1/jobs", body: json(#"{"kind": "noop", "scheduled_at": "+099999-01-01T00:00:00Z"}"#), status: 400, field: "scheduled_at"),
            Case(method: "POST", path: "/api/v1/jobs", body: json(#"{"kind": "noop", "args": {"a": "\u0000"}}"#), status: 400, field: "args"),
            Case(method: "POST", path: "/api/v1/jobs", body: json(#"{"kind": "noop", "meta": {"a": "x\u0000"}}"#), status: 400, field: "meta"),
            Case(method: "POST", path: "/api/v1/jobs", body: json(#"{"kind": "noop", "tags": ["\u0000"]}"#), status: 400, field: "tags"),
            Case(method: "POST", path: "/api/v1/jobs", body: json(#"{"kind": "noop", "args": {"a": "\ud800"}}"#), status: 400, field: "args"),
            Case(method: "POST", path: "/api/v1/jobs", body: json(#"{"kind": "noop", "max_attempts": 0}"#), status: 400, field: "max_attempts"),
            Case(method: "POST", path: "/api/v1/jobs", body: json(#"{"kind": "noop", "args": [1]}"#), status: 400, field: "args"),
            Case(method: "POST", path: "/api/v1/jobs", body: Data(repeating: 0x61, count: 2 << 20), status: 413, field: "body"),
            Case(method: "POST", path: "/login", body: Data(repeating: 0x61, count: 100 << 10), status: 413, field: "body"),
            Case(method: "GET", path: "/api/v1/jobs?kind=%00", status: 400, field: "kind"),
            Case(method: "GET", path: "/api/v1/jobs?tag=%00", status: 400, field: "tag"),
            Case(method: "POST", path: "/api/v1/jobs/\(id)/cancel?reason=%00", status: 400, field: "reason"),
            Case(method: "POST", path: "/api/v1/schedules", body: json(#"{"name": "s", "kind": "noop", "recurrence": {"type": "daily", "hour": 8}, "overlap": "never"}"#), status: 400, field: "overlap"),
            Case(method: "PUT", path: "/api/v1/queues/default/limits", body: json(#"{"concurrency": "five"}"#), status: 400, field: "concurrency"),
            Case(method: "POST", path: "/api/v1/schedules", body: json(#"{"name": "s", "kind": "noop", "recurrence": {"type": "manual"}, "max_consecutive_failures": 10000000000}"#), status: 400, field: "max_consecutive_failures"),
            Case(method: "POST", path: "/api/v1/jobs", body: json(#"{"kind": "sleep", "args": {"ms": 9223372036854775807}}"#), status: 422, field: "args"),
            Case(method: "TRACE", path: "/api/v1/jobs", status: 405),
            Case(method: "PATCH", path: "/api/v1/jobs/\(id)", status: 405),
        ]
        // A NUL in every string a route takes, in the body, the query or the path.
        let schedule = #"{"name": "s", "kind": "noop", "recurrence": {"type": "daily", "hour": 8}, "description": "d", "time_zone": "UTC", "args": {"a": "b"}}"#
        var nuls: [Case] = ["name", "kind", "description", "time_zone"].map { field in
            Case(method: "POST", path: "/api/v1/schedules", body: json(schedule.replacingOccurrences(of: #""\#(field)": ""#, with: #""\#(field)": "\u0000"#)), status: 400)
        }
        nuls.append(Case(method: "POST", path: "/api/v1/schedules", body: json(schedule.replacingOccurrences(of: #""a": "b""#, with: #""a": "\u0000""#)), status: 400, field: "args"))
        nuls.append(Case(method: "PUT", path: "/api/v1/schedules/s", body: json(schedule.replacingOccurrences(of: #""d""#, with: #""\u0000""#)), status: 400, field: "description"))
        for path in ["/api/v1/queues/%00/pause", "/api/v1/queues/%00/activity", "/api/v1/schedules/%00", "/api/v1/events?queue=%00",
                     "/api/v1/jobs?state=%00", "/api/v1/jobs/cancel?queue=a&reason=%00", "/api/v1/jobs/retry?queue=%00"] {
            nuls.append(Case(method: path.contains("pause") || path.contains("cancel") || path.contains("retry") ? "POST" : "GET", path: path, status: 400))
        }
        for item in cases + nuls {
            let answer = try await client.send(item.method, item.path, body: item.body)
            #expect(answer.status == item.status, "\(item.method) \(item.path): \(answer.status) \(answer.text.prefix(300))")
            if let field = item.field {
                let error = answer.object?["error"] as? [String: Any]
                #expect(error?["field"] as? String == field, "\(item.method) \(item.path): \(answer.text.prefix(300))")
                #expect((error?["message"] as? String)?.contains("Dictionary") == false)
            }
        }
        #expect(CLIProcess.exitStatus(of: serve) == nil, "the server died")
        #expect(try await client.send("GET", "/health").status == 200)
        let page = try await client.send("GET", "/api/v1/jobs")
        #expect((page.object?["jobs"] as? [[String: Any]])?.map { $0["id"] as? Int } == [id], "only the one good job is stored")

        // Args a built-in worker takes but cannot honour end the job, not the process.
        let extremes = [#"{"kind": "sleep", "args": {"ms": 9000000000000000000}}"#,
                        #"{"kind": "http", "args": {"url": "http://127.0.0.1:9/", "timeout_seconds": 1e300}}"#]
        var ids: [Int] = []
        for body in extremes {
            let answer = try await client.send("POST", "/api/v1/jobs", json: body)
            ids.append(try #require(answer.object?["id"] as? Int, "\(answer.text)"))
        }
        try await eventually(timeout: .seconds(30)) {
            var states: [String] = []
            for id in ids { states.append(try await client.send("GET", "/api/v1/jobs/\(id)").object?["state"] as? String ?? "") }
            return states == ["discarded", "discarded"]
        }
        #expect(CLIProcess.exitStatus(of: serve) == nil, "a worker's arithmetic killed the server")
        serve.terminate()
        #expect(try await CLIProcess.wait(serve) == 0)
    }

    static let adminKey = "hostile-admin-key-0123456789"

    /// The port a `--port 0` server picked, from its log.
    static func port(of log: URL) async throws -> Int {
        var port: Int?
        try await eventually(timeout: .seconds(30)) {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            guard let line = text.split(separator: "\n").first(where: { $0.contains("started and listening on") }) else { return false }
            port = line.split(separator: ":").last.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            return port != nil
        }
        return try #require(port)
    }

    struct Client {
        let base: String

        struct Answer {
            let status: Int
            let text: String
            var object: [String: Any]? { try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] }
        }

        func send(_ method: String, _ path: String, json: String) async throws -> Answer {
            try await send(method, path, body: Data(json.utf8))
        }

        func send(_ method: String, _ path: String, body: Data? = nil) async throws -> Answer {
            var request = URLRequest(url: try #require(URL(string: base + path)))
            request.httpMethod = method
            request.httpBody = body
            request.setValue("Bearer \(HostileRequestsTests.adminKey)", forHTTPHeaderField: "Authorization")
            if body != nil { request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
            let (data, response) = try await URLSession.shared.data(for: request)
            return Answer(status: (response as? HTTPURLResponse)?.statusCode ?? 0, text: String(decoding: data, as: UTF8.self))
        }
    }
}
