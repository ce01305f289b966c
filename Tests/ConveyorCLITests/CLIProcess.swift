import Conveyor
import ConveyorSQLite
import Foundation
import Testing

/// The `conveyor` executable built beside the test bundle, run as a real child process.
struct CLIProcess {
    static var executable: URL {
        if let path = ProcessInfo.processInfo.environment["CONVEYOR_BIN"] { return URL(fileURLWithPath: path) }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("conveyor")
    }

    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// Runs `conveyor arguments…` to completion, with `environment` added to this process's.
    static func run(_ arguments: [String], in folder: URL, environment added: [String: String] = [:]) async throws -> Result {
        var environment = ProcessInfo.processInfo.environment.merging(added) { $1 }
        environment.removeValue(forKey: "CONVEYOR_DATABASE_URL")
        return try await runToEnd(executable, arguments, in: folder, environment: environment)
    }

    /// Runs a program to completion and answers what it printed. Its output goes to files, not
    /// pipes, and the wait sleeps between looks: nothing here holds one of the few threads
    /// every test's tasks share, and a child writing much to one stream cannot block on a
    /// pipe nobody reads yet.
    static func runToEnd(_ program: URL, _ arguments: [String], in folder: URL, environment: [String: String]? = nil,
                                 timeout: Duration = .seconds(120)) async throws -> Result {
        let process = Process()
        process.executableURL = program
        process.arguments = arguments
        process.currentDirectoryURL = folder
        if let environment { process.environment = environment }
        let outputs = (0..<2).map { _ in FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString).out") }
        defer { for output in outputs { try? FileManager.default.removeItem(at: output) } }
        for output in outputs { _ = FileManager.default.createFile(atPath: output.path, contents: nil) }
        process.standardOutput = try FileHandle(forWritingTo: outputs[0])
        process.standardError = try FileHandle(forWritingTo: outputs[1])
        try process.run()
        let status: Int32
        do {
            status = try await wait(process, timeout: timeout)
        } catch {
            kill(process.processIdentifier, SIGKILL)
            throw error
        }
        let printed = try outputs.map { String(decoding: try Data(contentsOf: $0), as: UTF8.self) }
        return Result(status: status, stdout: printed[0], stderr: printed[1])
    }

    /// Starts `conveyor arguments…` in the background; its output goes to a log file.
    static func start(_ arguments: [String], in folder: URL, log: String, environment added: [String: String] = [:]) throws -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = folder
        if !added.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(added) { $1 } }
        _ = FileManager.default.createFile(atPath: folder.appendingPathComponent(log).path, contents: nil)
        let handle = try FileHandle(forWritingTo: folder.appendingPathComponent(log))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    /// What `curl arguments…` prints.
    static func runCurl(_ arguments: [String], in folder: URL) async throws -> String {
        try await runToEnd(URL(fileURLWithPath: "/usr/bin/curl"), arguments, in: folder).stdout
    }

    /// Waits for a process to exit, up to `timeout`; returns its exit status, or 128 + the
    /// signal that ended it.
    static func wait(_ process: Process, timeout: Duration = .seconds(30)) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let status = exitStatus(of: process) { return status }
            guard ContinuousClock.now < deadline else {
                process.interrupt()
                throw CLITestFailure(description: "process \(process.processIdentifier) did not exit within \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// The exit status if the process has ended, reaping it ourselves: Foundation's own
    /// monitoring (`isRunning`, `waitUntilExit`) was seen to miss exits in long test runs.
    static func exitStatus(of process: Process) -> Int32? {
        var status: Int32 = 0
        let result = waitpid(process.processIdentifier, &status, WNOHANG)
        if result == process.processIdentifier {
            let signal = status & 0x7f
            return signal == 0 ? (status >> 8) & 0xff : 128 + signal
        }
        if result == -1, errno == ECHILD, !process.isRunning {
            // Foundation reaped it first.
            return process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        }
        return nil
    }
}

struct CLITestFailure: Error, CustomStringConvertible {
    let description: String
}

/// A new empty folder for one test's database and logs.
func makeFolder() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("conveyor-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
}

/// A new folder holding a migrated SQLite file, `conveyor.sqlite` (where commands run in the
/// folder look by default), and a store on it.
func makeSQLiteFolder() async throws -> (folder: URL, path: String, store: SQLiteJobStore) {
    let folder = try makeFolder()
    let path = folder.appendingPathComponent("conveyor.sqlite").path
    let store = try SQLiteJobStore(path: path)
    try await store.migrate()
    return (folder, path, store)
}

/// Polls until `condition` holds. A timeout names the caller's line.
func eventually(
    timeout: Duration = .seconds(60), sourceLocation: SourceLocation = #_sourceLocation, _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while try await !condition() {
        guard ContinuousClock.now < deadline else {
            throw CLITestFailure(description: "condition at \(sourceLocation) not met within \(timeout)")
        }
        try await Task.sleep(for: .milliseconds(50))
    }
}
