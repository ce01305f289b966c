public import Conveyor
public import Foundation

public import PostgresNIO

extension PostgresJobStore {
    /// Inserts jobs on a connection you hold, inside a transaction you opened, so your own
    /// writes and the jobs commit together or not at all.
    ///
    /// ```swift
    /// try await client.withTransaction { connection in
    ///     try await connection.query("UPDATE contacts SET sync_status = 'queued' WHERE id = \(id)", logger: logger)
    ///     try await store.enqueue(SyncContact.self, args: .init(contactID: id), on: connection)
    /// }
    /// ```
    /// Nodes are woken by a notification PostgreSQL delivers when your transaction commits.
    ///
    /// - Throws: `ConveyorError`: `invalidInput` naming the bad option, or `storage`. Roll back then.
    @discardableResult
    public func enqueue<W: JobWorker>(
        _ worker: W.Type, args: W.Args, options: EnqueueOptions = EnqueueOptions(), on connection: PostgresConnection, now: Date = Date()
    ) async throws -> InsertResult {
        let insert = try options.resolve(kind: W.kind, args: RawJSON(encoding: args), defaults: W.options, now: now)
        return try await self.insert([insert], on: connection, now: now)[0]
    }

    /// Inserts prepared jobs on your connection inside your transaction. See
    /// ``enqueue(_:args:options:on:now:)``.
    ///
    /// A batch without unique jobs is one statement; one with unique jobs is two, the second
    /// reading the jobs that hold the duplicates' keys.
    public func insert(_ jobs: [JobInsert], on connection: PostgresConnection, now: Date = Date()) async throws -> [InsertResult] {
        for job in jobs { try job.validate() }
        let jobs = JobTracing.carryingCurrentContext(in: jobs)
        return try await storage("inserting jobs in the caller's transaction") { [self] in
            // One round trip when no job is unique: a large batch must not hold the caller's
            // transaction open for a statement per job.
            if jobs.allSatisfy({ $0.unique == nil }) {
                return try await Self.insertBulk(jobs, now: now, sql: sql, on: connection, logger: logger)
            }
            return try await Self.insertMayBeUnique(jobs, now: now, sql: sql, on: connection, logger: logger)
        }
    }
}
