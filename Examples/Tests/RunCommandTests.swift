import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import Testing

/// Each example's README command, `conveyor-examples NAME`, as a real process on a new SQLite
/// file: it starts its stand-ins and a node, its dashboard shows what the example declared,
/// and SIGTERM stops it cleanly.
@Suite("Examples: the README run commands")
struct RunCommandTests {
    @Test(arguments: [
        ("contact-sync", "/jobs", "row_loop:hubspot_contact_sync_processor"),
        ("hubspot-notes", "/schedules", "polling-worker"),
        ("dealpulse", "/jobs", "email-processing"),
        ("source-processing", "/nodes", "sources"),
        ("client-monitoring", "/nodes", "monitoring"),
    ])
    func theRunCommandServesTheDashboard(demo: String, page: String, shows text: String) async throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: "run-\(demo)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let log = folder.appending(path: "out.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = DealPulseProcessTests.executable
        process.arguments = [demo, "--database", "sqlite:\(folder.appending(path: "demo.sqlite").path)", "--port", "0", "--app-port", "0"]
        process.currentDirectoryURL = folder
        var environment = ProcessInfo.processInfo.environment
        for key in environment.keys where key.hasSuffix("_BASE_URL") || key.hasSuffix("_INDEX_URL") || key == "CONVEYOR_DATABASE_URL" { environment[key] = nil }
        process.environment = environment
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        // Hummingbird logs each server's port; the dashboard is the one with a nodes page.
        var dashboard: String?
        try await eventually(timeout: .seconds(60)) {
            let ports = String(decoding: (try? Data(contentsOf: log)) ?? Data(), as: UTF8.self)
                .matches(of: /listening on 127\.0\.0\.1:(\d+)/).map { String($0.1) }
            for port in ports where try await Self.get("http://127.0.0.1:\(port)/nodes")?.contains("Nodes") == true {
                dashboard = "http://127.0.0.1:\(port)"
            }
            return dashboard != nil || !process.isRunning
        }
        let url = try #require(dashboard, "no dashboard: \(String(decoding: (try? Data(contentsOf: log)) ?? Data(), as: UTF8.self))")
        try await eventually(timeout: .seconds(30)) { try await Self.get(url + page)?.contains(text) == true }

        process.terminate()
        try await eventually(timeout: .seconds(30)) { !process.isRunning }
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
    }

    /// The page's HTML, or nil when it does not answer 200.
    static func get(_ url: String) async throws -> String? {
        guard let response = try? await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(5)), response.status.code == 200 else { return nil }
        return String(buffer: try await response.body.collect(upTo: 1 << 22))
    }
}
