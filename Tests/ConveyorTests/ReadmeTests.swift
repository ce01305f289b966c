import Conveyor
import ConveyorSQLite
import ConveyorTesting
import Foundation
import Logging
import ServiceLifecycle
import Testing
import UnixSignals

// The README's Swift example, compiled here and run twice on one file below. `readmeLines`
// checks that the README shows exactly this code.

/// What the README's worker is handed: any client of the application's.
struct CRMClient: Sendable {
    func upsert(_ contactID: Int) async throws {}
}

// README begin
struct SyncContact: JobWorker {
    struct Args: Codable, Sendable { let contactID: Int }
    static let kind = "crm.sync_contact"
    static let options = JobOptions(queue: "crm", maxAttempts: 3,
                                    backoff: .exponential(base: .seconds(5), factor: 5)) // 5 s, 25 s, 125 s
    let crm: CRMClient                    // workers are values: inject dependencies

    func perform(_ args: Args, context: JobContext) async throws {
        try await context.progress(0.5, "pushing")
        try await crm.upsert(args.contactID)          // throw to retry with backoff
        try context.setResult(["synced": true])        // stored in the job's meta
    }
}
// README end

/// The README's top-level code, on the file at `path`; returns once it is serving.
func readmeExample(path: String, started: @escaping @Sendable (Conveyor) -> Void) async throws {
    // README begin
    let logger = Logger(label: "app")
    var configuration = ConveyorConfiguration(queues: ["crm": 5, "default": 10], logger: logger)
    // Every day at 08:00 New York time, one job per day however many nodes run. Declared here,
    // it is stored (or updated) each time the node starts.
    configuration.schedules = [ScheduleDefinition(
        name: "morning-sync", kind: SyncContact.kind, args: RawJSON(["contactID": 1]),
        recurrence: .daily(hour: 8), timeZone: "America/New_York", overlap: .skip)]
    // README end
    let conveyor = try await Conveyor(store: .sqlite(path: path), configuration: configuration)
    // README begin
    conveyor.register(SyncContact(crm: CRMClient()))

    try await conveyor.enqueue(SyncContact.self, args: .init(contactID: 42))
    try await conveyor.enqueue(SyncContact.self, args: .init(contactID: 43), in: .seconds(300))
    try await conveyor.enqueue(SyncContact.self, args: .init(contactID: 44),
                               options: .init(priority: 0, unique: UniqueOptions(period: .seconds(3600))))
    // README end
    started(conveyor)
    // README begin

    // Run the queues until SIGTERM; on shutdown running jobs get a grace period, then are put back.
    try await ServiceGroup(services: [conveyor], gracefulShutdownSignals: [.sigterm], logger: logger).run()
    // README end
}

@Suite("README")
struct ReadmeTests {
    /// The lines between `// README begin` and `// README end` here, without indentation.
    static func testedLines() throws -> [String] {
        let text = try String(contentsOfFile: #filePath, encoding: .utf8)
        var lines: [String] = []
        var inside = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed == "// README begin" { inside = true; continue }
            if trimmed == "// README end" { inside = false; continue }
            if inside { lines.append(trimmed) }
        }
        return lines
    }

    /// The README's Swift example block, without indentation, its imports and the one line
    /// the test gives its own path.
    static func readmeLines() throws -> [String] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("README.md")
        let readme = try String(contentsOf: url, encoding: .utf8)
        let start = try #require(readme.range(of: "```swift\nimport Conveyor\nimport ConveyorSQLite\nimport Logging"))
        let end = try #require(readme.range(of: "```", range: start.upperBound..<readme.endIndex))
        return readme[start.upperBound..<end.lowerBound].split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.hasPrefix("import ") && !$0.hasPrefix("let conveyor = try await Conveyor(store: .sqlite(path:") }
            .drop { $0.isEmpty }.map { $0 }
    }

    @Test func theReadmeShowsTheCodeThisTestRuns() throws {
        let readme = try Self.readmeLines().filter { !$0.isEmpty }
        let tested = try Self.testedLines().filter { !$0.isEmpty }
        #expect(readme == tested)
    }

    /// Started twice on one file, as a deployed node restarts: the schedule declared in code
    /// is stored once and the second start does not fail.
    @Test(.timeLimit(.minutes(1)))
    func theReadmeExampleStartsTwiceOnOneFile() async throws {
        let path = TemporaryFiles.path("readme.sqlite")
        for _ in 1...2 {
            try await withThrowingTaskGroup(of: Void.self) { group in
                let (started, signal) = AsyncStream<Conveyor>.makeStream()
                group.addTask { try await readmeExample(path: path) { signal.yield($0) } }
                var iterator = started.makeAsyncIterator()
                let conveyor = try #require(await iterator.next())
                try await eventually { try await conveyor.schedules().map(\.name) == ["morning-sync"] }
                try await eventually { try await conveyor.jobs(matching: JobFilter(states: [.completed], kinds: [SyncContact.kind])).count >= 2 }
                group.cancelAll()
            }
        }
        let store = try SQLiteJobStore(path: path)
        #expect(try await store.jobs(matching: JobFilter(kinds: [SyncContact.kind])).count == 5, "42, 43 and 44 once per start, 44 unique")
    }
}
