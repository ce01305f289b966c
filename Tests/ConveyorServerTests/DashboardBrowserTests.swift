import Foundation
import HummingbirdTesting
import Testing

/// The dashboard in a real headless Chromium (Debian's `chromium`, installed by
/// scripts/test.sh, which sets CONVEYOR_BROWSER_TESTS=1; without it the test is skipped).
/// `Tests/ConveyorServerTests/dashboard_browser.py` drives the browser; the checks are there.
@Suite("Dashboard in a headless browser", .enabled(if: ProcessInfo.processInfo.environment["CONVEYOR_BROWSER_TESTS"] == "1"))
struct DashboardBrowserTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("dashboard_browser.py")

    @Test(.timeLimit(.minutes(2)))
    func pagesLoadAndAJobCompletesLiveWithoutAReload() async throws {
        try await withAPI(runQueues: true) { client, _ in
            let port = try #require(client.port)
            var arguments = [Self.script.path, "--url", "http://127.0.0.1:\(port)", "--key", adminKey]
            if let folder = ProcessInfo.processInfo.environment["CONVEYOR_SCREENSHOTS"] { arguments += ["--screenshots", folder] }
            let output = FileManager.default.temporaryDirectory.appendingPathComponent("dashboard-\(UUID().uuidString).log")
            _ = FileManager.default.createFile(atPath: output.path, contents: nil)
            defer { try? FileManager.default.removeItem(at: output) }
            let python = Process()
            python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            python.arguments = ["python3"] + arguments
            let log = try FileHandle(forWritingTo: output)
            python.standardOutput = log
            python.standardError = log
            try python.run()
            let status = try await Self.exitStatus(of: python)
            let text = try String(contentsOf: output, encoding: .utf8)
            #expect(status == 0, "\(text)")
            #expect(text.contains("dashboard: all checks passed"), "\(text)")
        }
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
