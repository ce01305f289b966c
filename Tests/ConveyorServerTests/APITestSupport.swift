import Conveyor
import ConveyorServer
import ConveyorSQLite
import ConveyorTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Prometheus
import Tracing

let adminKey = "admin-key-0123456789"
let writeKey = "write-key-0123456789"
let readKey = "read-key-01234567890"
/// A worker process's key: it works the `default` queue only.
let workKey = "work-key-01234567890"

/// A node on a fresh SQLite file with its HTTP API on a free loopback port, keys for each
/// scope, the built-in workers and a slow worker that reports progress. `body` gets a
/// client talking real HTTP to it. `timers` replaces the real clock of the node's waits,
/// `tracer` the process's tracer;
/// `application` makes the application that serves the node (Conveyor's own by default).
func withAPI<T: Sendable>(runQueues: Bool = false, timers: (any Clock<Duration>)? = nil, tracer: (any Tracer)? = nil,
                          application: (ConveyorServer, Logger) -> any ApplicationProtocol = { $0.application(host: "127.0.0.1", port: 0, logger: $1) },
                          _ body: @Sendable (any TestClientProtocol, Conveyor) async throws -> T) async throws -> T {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("conveyor-api-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    _ = TestMetrics.shared
    let store = try SQLiteJobStore(path: folder.appendingPathComponent("api.sqlite").path)
    var logger = Logger(label: "test.api")
    logger.logLevel = .warning
    var configuration = ConveyorConfiguration(queues: runQueues ? ["default": 5] : [:], pollInterval: .milliseconds(50), logger: logger)
    if let timers { configuration.timerClock = timers }
    configuration.tracer = tracer
    let conveyor = try await Conveyor(storingIn: store, configuration: configuration)
    conveyor.registerBuiltInWorkers()
    conveyor.register(StepsWorker())
    let keys = try APIKeys(parsing: ["\(adminKey):admin", "\(writeKey):write", "\(readKey):read", "\(workKey):work:default"])
    let app = application(ConveyorServer(conveyor: conveyor, keys: keys, metrics: TestMetrics.shared), logger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        if runQueues { group.addTask { try await conveyor.run() } }
        defer {
            conveyor.beginShutdown()
            group.cancelAll()
        }
        return try await app.test(.live) { client in try await body(client, conveyor) }
    }
}

/// Reports progress in three steps, 100 ms apart.
struct StepsWorker: JobWorker {
    struct Args: Codable, Sendable {}
    static let kind = "test.steps"

    func perform(_ args: Args, context: JobContext) async throws {
        for step in 1...3 {
            try await Task.sleep(for: .milliseconds(100))
            try await context.progress(Double(step) / 3, "step \(step)")
        }
    }
}

extension TestClientProtocol {
    /// A request with `key` (if any) and a JSON body (if any); answers the status and the body as JSON.
    func call(_ method: HTTPRequest.Method, _ uri: String, key: String? = adminKey, json: String? = nil) async throws -> (HTTPResponse.Status, [String: Any]) {
        var headers: HTTPFields = [:]
        if let key { headers[.authorization] = "Bearer \(key)" }
        if json != nil { headers[.contentType] = "application/json" }
        let response = try await execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
        let object = response.body.readableBytes == 0 ? [:] : (try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any] ?? [:])
        return (response.status, object)
    }
}

extension [String: Any] {
    /// The error body's fields.
    var error: (code: String?, field: String?, message: String?) {
        let detail = self["error"] as? [String: Any]
        return (detail?["code"] as? String, detail?["field"] as? String, detail?["message"] as? String)
    }
}

/// swift-metrics takes one backend per process: every test server shares this one.
enum TestMetrics {
    static let shared: PrometheusMetrics = {
        let metrics = PrometheusMetrics()
        metrics.bootstrap()
        return metrics
    }()
}
