import Foundation
import HummingbirdTesting
import Testing

/// The dashboard in a real headless Chromium (Debian's `chromium`, installed by
/// scripts/test.sh, which sets CONVEYOR_BROWSER_TESTS=1; without it the test is skipped).
/// `Tests/ConveyorServerTests/dashboard_browser.py` drives the browser; the checks are there.
@Suite("Dashboard in a headless browser", .enabled(if: ProcessInfo.processInfo.environment["CONVEYOR_BROWSER_TESTS"] == "1"))
struct DashboardBrowserTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()

    @Test(.timeLimit(.minutes(2)))
    func pagesLoadAndAJobCompletesLiveWithoutAReload() async throws {
        try await withAPI(runQueues: true) { client, _ in
            let port = try #require(client.port)
            var arguments = ["dashboard_browser.py", "--url", "http://127.0.0.1:\(port)", "--key", adminKey]
            if let folder = ProcessInfo.processInfo.environment["CONVEYOR_SCREENSHOTS"] { arguments += ["--screenshots", folder] }
            let (status, text) = try await Self.runScript(arguments)
            #expect(status == 0, "\(text)")
            #expect(text.contains("dashboard: all checks passed"), "\(text)")
        }
    }

    /// Runs one of this folder's Python scripts to its end: its exit status and what it printed.
    static func runScript(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("browser-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: output) }
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", folder.appendingPathComponent(arguments[0]).path] + arguments.dropFirst()
        python.currentDirectoryURL = folder
        let log = try FileHandle(forWritingTo: output)
        python.standardOutput = log
        python.standardError = log
        try python.run()
        let status = try await exitStatus(of: python)
        return (status, try String(contentsOf: output, encoding: .utf8))
    }

    /// Waits for the process, reaping it with waitpid: Foundation's own monitoring was seen to
    /// miss exits in long test runs (as in the CLI tests).
    static func exitStatus(of process: Process) async throws -> Int32 {
        while true {
            var status: Int32 = 0
            let result = waitpid(process.processIdentifier, &status, WNOHANG)
            if result == process.processIdentifier { return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f) }
            if result == -1, !process.isRunning { return process.terminationStatus }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
