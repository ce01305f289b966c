import Conveyor
import ConveyorPostgres
import ConveyorTesting
import Foundation
import PostgresNIO
import Testing

/// A session that keeps a transaction open stops vacuum from clearing finished jobs' dead rows.
/// The leader finds it in `pg_stat_activity` and says who it is, and says when it ended. Each
/// test has a database of its own: the check looks at the whole database, and other tests'
/// transactions must not be the oldest.
@Suite("PostgreSQL: long transactions are found and named", .enabled(if: TestPostgres.url != nil))
struct LongTransactionTests {
    @Test(.timeLimit(.minutes(1)))
    func theLeaderWarnsAboutAnOpenTransactionAndSaysWhenItEnds() async throws {
        try await withDatabase { store, holder in
            let logs = RecordedLogs()
            #expect(try await store.oldestHeldSnapshot() == nil, "nobody holds a transaction yet")

            // The node's clock runs ten minutes ahead of the server's: the transaction
            // begun now is ten minutes old to it, without waiting ten minutes.
            let clock = ManualClock(start: Date().addingTimeInterval(600))
            let node = try await makeConveyor(clock: clock, store: store) { $0.logger = logs.logger("leader") }
            try await holder.withConnection { connection in
                _ = try await connection.query("SET application_name = 'nightly report'", logger: Self.logger)
                let pid = try await Self.backendPID(connection)
                _ = try await connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ", logger: Self.logger)
                _ = try await connection.query("SELECT count(*) FROM pg_class", logger: Self.logger)

                let held = try #require(try await store.oldestHeldSnapshot())
                #expect(held.holder == "\(pid)")
                #expect(held.state == "idle in transaction")
                #expect(held.application == "nightly report")
                #expect(held.query?.contains("pg_class") == true)
                #expect(abs(held.since.timeIntervalSinceNow) < 30)

                try await node.maintain(lastPrune: nil)
                let warning = try #require(logs.messages(atLeast: .warning).first { $0.contains("a transaction has been open for") })
                #expect(warning.contains("10 minutes") || warning.contains("9 minutes"), "\(warning)")
                _ = try await connection.query("COMMIT", logger: Self.logger)
            }
            #expect(try await store.oldestHeldSnapshot() == nil)
            clock.advance(by: .seconds(30))
            try await node.maintain(lastPrune: nil)
            #expect(logs.messages(atLeast: .info).contains { $0.contains("the long transaction ended") })
            #expect(logs.messages(atLeast: .warning).count { $0.contains("a transaction has been open") } == 1)
        }
    }

    /// A transaction that has written (it holds a transaction id) counts even in READ COMMITTED,
    /// where an idle session holds no snapshot between statements.
    @Test(.timeLimit(.minutes(1)))
    func aTransactionThatWroteCountsWithoutASnapshot() async throws {
        try await withDatabase { store, holder in
            try await holder.withConnection { connection in
                let pid = try await Self.backendPID(connection)
                _ = try await connection.query("BEGIN", logger: Self.logger)
                _ = try await connection.query("CREATE TEMPORARY TABLE scratch (n int)", logger: Self.logger)
                let held = try #require(try await store.oldestHeldSnapshot())
                #expect(held.holder == "\(pid)")
                #expect(held.query?.contains("scratch") == true)
                _ = try await connection.query("ROLLBACK", logger: Self.logger)
            }
            #expect(try await store.oldestHeldSnapshot() == nil)
        }
    }

    private static let logger = Logger(label: "test.holder")

    private static func backendPID(_ connection: PostgresConnection) async throws -> Int32 {
        for try await pid in try await connection.query("SELECT pg_backend_pid()", logger: Self.logger).decode(Int32.self) {
            return pid
        }
        throw TestFailure(description: "no pid")
    }

    /// A migrated store on a new database (dropped afterwards), and a pool on the same
    /// database for the sessions that hold transactions.
    private func withDatabase(_ body: (PostgresJobStore, PostgresClient) async throws -> Void) async throws {
        let name = "t_long_\(UInt32.random(in: 0 ... .max))"
        _ = try await TestPostgres.client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"))
        var configuration = try TestPostgres.configuration()
        configuration.client.database = name
        configuration.client.options.maximumConnections = 4
        let store = try PostgresJobStore(configuration: configuration)
        let holder = PostgresClient(configuration: configuration.client)
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await store.run() }
                group.addTask { await holder.run() }
                defer { group.cancelAll() }
                try await store.migrate()
                try await body(store, holder)
            }
        } catch {
            try? await Self.drop(name)
            throw error
        }
        try await Self.drop(name)
    }

    private static func drop(_ name: String) async throws {
        _ = try await TestPostgres.client.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"))
    }
}
