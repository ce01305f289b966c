import Conveyor
import ConveyorTesting
import ExampleKit
import Foundation
import Logging
import Testing

/// The databases each example's test runs on: SQLite always, PostgreSQL where scripts/test.sh
/// started it (`CONVEYOR_TEST_POSTGRES_URL`).
enum Backend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite
    case postgres

    static let postgresURL = ProcessInfo.processInfo.environment["CONVEYOR_TEST_POSTGRES_URL"]

    static var allCases: [Backend] { postgresURL == nil ? [.sqlite] : [.sqlite, .postgres] }

    var testDescription: String { rawValue }

    /// A new, empty database of this kind.
    func freshURL() -> String {
        let name = "e\(UInt64.random(in: 0 ... .max))"
        switch self {
        case .sqlite:
            let folder = FileManager.default.temporaryDirectory.appending(path: "conveyor-examples-\(name)")
            try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            return "sqlite:\(folder.appending(path: "app.sqlite").path)"
        case .postgres:
            let url = Self.postgresURL!
            return url + (url.contains("?") ? "&" : "?") + "schema=\(name)"
        }
    }

    /// Runs `body` with a fresh database of this kind open.
    func withDatabase<T: Sendable>(_ body: (ExampleStore, any AppDatabase) async throws -> T) async throws -> T {
        try await ExampleDatabase.open(freshURL(), logger: quietLogger, body)
    }
}

let quietLogger: Logger = {
    var logger = Logger(label: "examples-test")
    logger.logLevel = .warning
    return logger
}()

/// A node on `store` whose time is `clock`: schedules fire and jobs run when a test says so.
func testNode(_ store: ExampleStore, queues: [String: Int], clock: ManualClock, schedules: [ScheduleDefinition] = []) async throws -> Conveyor {
    var configuration = ConveyorConfiguration(queues: queues, clock: clock)
    configuration.schedules = schedules
    configuration.logger = quietLogger
    configuration.timerClock = clock.timers
    return try await store.node(configuration)
}

/// Waits for `condition`, checking every 10 ms, failing after `timeout`: for what happens
/// outside the test's clock (a stand-in finishing a slow answer).
func eventually(timeout: Duration = .seconds(10), _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while try await !condition() {
        guard ContinuousClock.now < deadline else { throw ExampleTestFailure("condition not met within \(timeout)") }
        try await Task.sleep(for: .milliseconds(10))
    }
}

struct ExampleTestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

func date(_ text: String) -> Date { try! Date(text, strategy: .iso8601) }
