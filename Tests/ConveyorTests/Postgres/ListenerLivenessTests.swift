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
            try Self.signal("STOP", frozen)
            defer { try? Self.signal("CONT", frozen) }

            try await eventually(timeout: .seconds(15)) { try await Self.listenerPID(schema).map { $0 != frozen } ?? false }
            try await eventually(timeout: .seconds(15)) {
                _ = try await inserter.insert([.test(queue: "after")], now: Date())
                try await Task.sleep(for: .milliseconds(200))
                return heard.contains("after")
            }
        }
    }

    /// The server process of the connection that last ran LISTEN on the schema's channel.
    private static func listenerPID(_ schema: String) async throws -> Int32? {
        let rows = try await TestPostgres.client.query(PostgresQuery(unsafeSQL: """
            SELECT pid FROM pg_stat_activity WHERE query LIKE 'LISTEN%' AND query LIKE '%\(schema)_signals%' ORDER BY backend_start DESC LIMIT 1
            """))
        for try await pid in rows.decode(Int32.self) { return pid }
        return nil
    }

    private static func signal(_ name: String, _ pid: Int32) throws {
        let kill = Process()
        kill.executableURL = URL(fileURLWithPath: "/bin/kill")
        kill.arguments = ["-\(name)", "\(pid)"]
        try kill.run()
        kill.waitUntilExit()
        guard kill.terminationStatus == 0 else { throw TestFailure(description: "kill -\(name) \(pid) failed") }
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
