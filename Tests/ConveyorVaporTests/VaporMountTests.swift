import Conveyor
import ConveyorServer
import ConveyorSQLite
import ConveyorVapor
import Foundation
import Testing
import Vapor
import VaporTesting

let adminKey = "admin-key-0123456789"

/// A Vapor application with its own routes, a node on its lifecycle and Conveyor's routes
/// under `/ops/jobs`, on a fresh SQLite file.
func withShop(_ test: (Application, Conveyor) async throws -> Void) async throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("conveyor-vapor-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    var configuration = ConveyorConfiguration(queues: ["default": 2], pollInterval: .milliseconds(50))
    configuration.logger.logLevel = .warning
    let conveyor = try await Conveyor(store: SQLiteJobStore(path: folder.appendingPathComponent("jobs.sqlite").path), configuration: configuration)
    conveyor.registerBuiltInWorkers()
    try await withApp { app in
        app.logger.logLevel = .warning
        app.conveyor.use(conveyor)
        app.conveyor.mount(ConveyorServer(conveyor: conveyor, keys: try APIKeys(parsing: ["\(adminKey):admin"])), at: "/ops/jobs")
        app.get("hello") { _ in "hello from the application" }
        app.post("signup") { request in
            let job = try await request.conveyor.enqueue(kind: "noop", args: ["user": "ada"]).job
            return "\(job.id)"
        }
        try await test(app, conveyor)
    }
}

@Suite("Conveyor in a Vapor application")
struct VaporMountTests {
    @Test(.timeLimit(.minutes(1)))
    func theApplicationsRoutesAndConveyorsShareOneServer() async throws {
        try await withShop { app, conveyor in
            let tester = try app.testing()
            try await tester.test(.GET, "/hello") { response in
                #expect(response.status == .ok)
                #expect(response.body.string == "hello from the application")
            }
            // A route of the application enqueues; the node the lifecycle started runs the job.
            let events = conveyor.events()
            var id: Int64 = 0
            try await tester.test(.POST, "/signup") { response in id = Int64(response.body.string) ?? 0 }
            #expect(id > 0)
            for await event in events where event.jobID == id && event.kind == .completed { break }
            #expect(try await conveyor.job(id: id).state == .completed)

            let admin: HTTPHeaders = ["Authorization": "Bearer \(adminKey)", "Content-Type": "application/json"]
            try await tester.test(.GET, "/ops/jobs/api/v1/jobs/\(id)", headers: admin) { response in
                #expect(response.status == .ok)
                #expect(response.body.string.contains(#""state":"completed""#))
            }
            try await tester.test(.POST, "/ops/jobs/api/v1/jobs", headers: admin, body: ByteBuffer(string: #"{"kind": "noop", "max_attempts": 2}"#)) { response in
                #expect(response.status == .created)
                #expect(response.body.string.contains(#""max_attempts":2"#))
            }
            try await tester.test(.GET, "/ops/jobs/api/v1/jobs?state=nope", headers: admin) { response in
                #expect(response.status == .badRequest)
                #expect(response.body.string.contains(#""field":"state""#))
            }
            try await tester.test(.GET, "/ops/jobs/api/v1/jobs") { response in #expect(response.status == .unauthorized) }
            try await tester.test(.GET, "/ops/jobs/health") { response in #expect(response.status == .ok) }
            try await tester.test(.GET, "/ops/jobs/jobs") { response in
                #expect(response.status == .seeOther)
                #expect(response.headers.first(name: .location) == "/ops/jobs/login")
            }
            // Nothing of Conveyor's at the root.
            try await tester.test(.GET, "/api/v1/jobs", headers: admin) { response in #expect(response.status == .notFound) }
        }
    }

    @Test(.timeLimit(.minutes(2)), .enabled(if: ProcessInfo.processInfo.environment["CONVEYOR_BROWSER_TESTS"] == "1"))
    func theDashboardsEveryLinkStaysUnderThePrefix() async throws {
        try await withShop { app, _ in
            _ = try app.testing()
            try await app.server.start(address: .hostname("127.0.0.1", port: 0))
            let port = try #require(app.http.server.shared.localAddress?.port)
            let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("../ConveyorServerTests/mounted_dashboard_browser.py").standardizedFileURL
            let (status, output) = try await runPython(script, ["--url", "http://127.0.0.1:\(port)", "--prefix", "/ops/jobs", "--key", adminKey])
            await app.server.shutdown()
            #expect(status == 0, "\(output)")
            #expect(output.contains("mounted dashboard: all checks passed"), "\(output)")
        }
    }
}

/// Runs a Python script to its end: its exit status and what it printed.
func runPython(_ script: URL, _ arguments: [String]) async throws -> (Int32, String) {
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("vapor-browser-\(UUID().uuidString).log")
    _ = FileManager.default.createFile(atPath: output.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: output) }
    let python = Process()
    python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    python.arguments = ["python3", script.path] + arguments
    python.currentDirectoryURL = script.deletingLastPathComponent()
    let log = try FileHandle(forWritingTo: output)
    python.standardOutput = log
    python.standardError = log
    try python.run()
    // Reaped by waitpid, or by Foundation's own monitoring when it gets there first.
    while true {
        var status: Int32 = 0
        let result = waitpid(python.processIdentifier, &status, WNOHANG)
        let text = { try String(contentsOf: output, encoding: .utf8) }
        if result == python.processIdentifier { return ((status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f), try text()) }
        if result == -1, !python.isRunning { return (python.terminationStatus, try text()) }
        try await Task.sleep(for: .milliseconds(100))
    }
}
