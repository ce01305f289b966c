import Conveyor
import ConveyorPostgres
import Foundation
import Logging
import PostgresNIO
import Testing

/// Jobs enqueued on the application's own connection, inside its transaction: they and the
/// application's writes commit together or not at all.
@Suite("PostgreSQL: transactional enqueue on the caller's connection", .enabled(if: TestPostgres.url != nil))
struct PostgresTransactionalEnqueueTests {
    struct RolledBack: Error {}
    static let logger = Logger(label: "test.app")

    @Test(arguments: [true, false])
    func jobsCommitOrRollBackWithTheCallersWrite(commit: Bool) async throws {
        let store = try TestPostgres.store(schema: "t_\(UInt64.random(in: 0 ... .max))")
        try await store.migrate()
        let schema = store.schema
        try await TestPostgres.client.query(PostgresQuery(unsafeSQL: "CREATE TABLE \(schema).contacts (id int PRIMARY KEY, status text)"))
        try await TestPostgres.client.query(PostgresQuery(unsafeSQL: "INSERT INTO \(schema).contacts VALUES (1, 'new')"))

        var ids: [Int64] = []
        do {
            ids = try await TestPostgres.client.withTransaction(logger: Self.logger) { connection in
                try await connection.query(PostgresQuery(unsafeSQL: "UPDATE \(schema).contacts SET status = 'queued' WHERE id = 1"), logger: Self.logger)
                let one = try await store.enqueue(ScriptedWorker.self, args: .init(step: 1), on: connection)
                // As large as the store's own bulk path would stream with COPY: here it is one statement.
                let batch = try await store.insert((0..<1_600).map { _ in .test() }, on: connection)
                if !commit { throw RolledBack() }
                return [one.job.id] + batch.map(\.job.id)
            }
        } catch let error as PostgresTransactionError where error.closureError is RolledBack {}

        let stored = try await store.allJobs()
        let rows = try await TestPostgres.client.query(PostgresQuery(unsafeSQL: "SELECT status FROM \(schema).contacts WHERE id = 1"))
        var status: String?
        for try await value in rows.decode(String.self) { status = value }
        if commit {
            #expect(Set(stored.map(\.id)) == Set(ids))
            #expect(stored.count == 1_601)
            #expect(stored.first { $0.kind == ScriptedWorker.kind }?.args == RawJSON(.object(["step": .number(1)])))
            #expect(status == "queued")
        } else {
            #expect(stored.isEmpty)
            #expect(status == "new")
        }
    }

    /// A unique job enqueued in a transaction holds its key from the commit on, for everyone.
    @Test func aUniqueJobCommittedOnTheCallersConnectionIsSeenByOthers() async throws {
        let store = try TestPostgres.store(schema: "t_\(UInt64.random(in: 0 ... .max))")
        try await store.migrate()
        let unique = EnqueueOptions(unique: UniqueOptions())
        let inside = try await TestPostgres.client.withTransaction(logger: Self.logger) { connection in
            try await store.enqueue(ScriptedWorker.self, args: .init(step: 7), options: unique, on: connection)
        }
        let outside = try await store.insert([.test(ScriptedWorker.kind, args: .object(["step": .number(7)]), unique: UniqueOptions())], now: Date())[0]
        #expect(!inside.isDuplicate)
        #expect(outside.isDuplicate)
        #expect(outside.job.id == inside.job.id)
    }
}
