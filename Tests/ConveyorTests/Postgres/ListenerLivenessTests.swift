import Conveyor
import ConveyorPostgres
import Foundation
import PostgresNIO
import Synchronization
import Testing

/// A LISTEN connection can die without an error. Here its server process is frozen with
/// SIGSTOP: the socket stays open and nothing arrives. The store notices its own probe missing,
/// replaces the connection, and hears new jobs again.
@Suite("PostgreSQL: a silent notification listener is replaced", .enabled(if: TestPostgres.url != nil))
struct ListenerLivenessTests {
    @Test(.timeLimit(.minutes(1)))
    func aFrozenListenerIsReplacedAndWakeUpsArriveAgain() async throws {
        var configuration = try TestPostgres.configuration()
        configuration.listenerCheckInterval = .milliseconds(300)
        let schema = configuration.schema
        let store = try PostgresJobStore(configuration: configuration)
        let inserter = try TestPostgres.store(schema: schema)
        let heard = HeardQueues(store.signals())
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await store.run() }
            defer { group.cancelAll() }
            try await store.migrate()
            // Each try inserts a job and gives its wake-up a moment to arrive.
            try await eventually(timeout: .seconds(15)) {
                _ = try await inserter.insert([.test(queue: "before")], now: Date())
                try await Task.sleep(for: .milliseconds(200))
                return heard.contains("before")
            }
            let frozen = try #require(try await Self.listenerPID(schema))
            try Self.send(SIGSTOP, to: frozen)
            defer { try? Self.send(SIGCONT, to: frozen) }

            try await eventually(timeout: .seconds(15)) { try await Self.listenerPID(schema).map { $0 != frozen } ?? false }
            try await eventually(timeout: .seconds(15)) {
                _ = try await inserter.insert([.test(queue: "after")], now: Date())
                try await Task.sleep(for: .milliseconds(200))
                return heard.contains("after")
            }
        }
    }

    /// Notifications sent while the listener is away are lost for good. When it returns, the
    /// node looks at every queue, so a job inserted in the gap runs then, not at the next poll.
    @Test(.timeLimit(.minutes(1)))
    func aJobInsertedWhileTheListenerIsAwayRunsWhenItReturns() async throws {
        var configuration = try TestPostgres.configuration()
        configuration.reconnectDelay = .seconds(3)
        let logs = RecordedLogs()
        let store = try PostgresJobStore(configuration: configuration, logger: logs.logger("away"))
        let inserter = try TestPostgres.store(schema: configuration.schema)
        let log = RunLog()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await store.run() }
            defer { group.cancelAll() }
            try await store.migrate()
            let node = try await makeConveyor(store: store) {
                $0.pollInterval = .seconds(60)
                $0.logger = logs.logger("node")
            }
            node.register(ScriptedWorker(log: log))
            try await running([node]) {
                var inserted: Job?
                do {
                    try await eventually(timeout: .seconds(15)) { logs.messages(atLeast: .debug).contains { $0.contains("notifications arrive") } }
                    let listener = try #require(try await Self.listenerPID(configuration.schema))
                    _ = try await TestPostgres.client.query("SELECT pg_terminate_backend(\(listener))")
                    try await eventually(timeout: .seconds(5)) { try await !Self.isRunning(listener) }
                    // The listener's dead connection must not go back to the pool: leased to a
                    // store call, it fails it, or leaves it unanswered for the answer timeout.
                    for _ in 0..<5 { _ = try await store.job(id: 0) }

                    inserted = try await inserter.insert([JobInsert(kind: ScriptedWorker.kind, args: RawJSON(.object(["step": .number(0)])))], now: Date())[0].job
                    // The listener is back after its 3 s reconnect delay; the next poll is a minute away.
                    try await eventually(timeout: .seconds(15)) { log.total == 1 }
                    #expect(try await Self.listenerPID(configuration.schema) != listener)
                    #expect(!logs.messages(atLeast: .error).contains { $0.contains("claim failed") })
                } catch {
                    // What the node and the store said, and where the job is, tell a slow reconnect
                    // from a lost wake-up.
                    let job = if let inserted { try await inserter.job(id: inserted.id) } else { Job?.none }
                    Issue.record("""
                        the job: \(String(describing: job)); inserted at \(String(describing: inserted?.insertedAt)); now \(Date())
                        logged: \(logs.timeline(atLeast: .debug).joined(separator: "\n"))
                        """)
                    throw error
                }
            }
        }
    }

    private static func isRunning(_ pid: Int32) async throws -> Bool {
        let rows = try await TestPostgres.client.query("SELECT 1 FROM pg_stat_activity WHERE pid = \(pid)")
        for try await _ in rows { return true }
        return false
    }

    /// The server process of the connection that last ran LISTEN on the schema's channel. By
    /// when the LISTEN ran, not when the connection opened: the listener may reuse an older
    /// pooled connection, and a frozen one still shows its LISTEN.
    private static func listenerPID(_ schema: String) async throws -> Int32? {
        let rows = try await TestPostgres.client.query(PostgresQuery(unsafeSQL: """
            SELECT pid FROM pg_stat_activity WHERE query LIKE 'LISTEN%' AND query LIKE '%\(schema)_signals%' ORDER BY query_start DESC LIMIT 1
            """))
        for try await pid in rows.decode(Int32.self) { return pid }
        return nil
    }

    private static func send(_ signal: Int32, to pid: Int32) throws {
        guard kill(pid, signal) == 0 else { throw TestFailure(description: "signal \(signal) to \(pid) failed: errno \(errno)") }
    }
}

/// The queues a store's signals said have new jobs.
private final class HeardQueues: Sendable {
    private let queues = Mutex<Set<String>>([])

    init(_ signals: AsyncStream<StoreSignal>) {
        Task { [self] in
            for await signal in signals {
                if case .jobsAvailable(let queue) = signal { _ = queues.withLock { $0.insert(queue) } }
            }
        }
    }

    func contains(_ queue: String) -> Bool { queues.withLock { $0.contains(queue) } }
}
