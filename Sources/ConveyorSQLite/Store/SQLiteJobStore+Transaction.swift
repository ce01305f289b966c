public import Conveyor
public import Foundation

extension SQLiteJobStore {
    /// Inserts jobs on a connection you own, inside a transaction you opened, so your own
    /// writes and the jobs commit together or not at all.
    ///
    /// `handle` is a `sqlite3 *` of the system libsqlite3 open on the same database file (for
    /// example GRDB's `Database.sqliteConnection`). Call it on the thread that uses that
    /// connection, between your `BEGIN` and `COMMIT`; nothing is committed here. Running
    /// producers see the jobs at their next poll after your commit.
    ///
    /// ```swift
    /// try db.inTransaction {
    ///     try db.execute(sql: "UPDATE contacts SET sync_status = 'queued' WHERE id = ?", arguments: [id])
    ///     _ = try SQLiteJobStore.enqueue(SyncContact.self, args: .init(contactID: id), on: db.sqliteConnection!)
    ///     return .commit
    /// }
    /// ```
    ///
    /// - Throws: `ConveyorError`: `invalidInput` naming the bad option, or `storage`. Roll back then.
    public static func enqueue<W: JobWorker>(
        _ worker: W.Type, args: W.Args, options: EnqueueOptions = EnqueueOptions(), on handle: OpaquePointer, now: Date = Date()
    ) throws -> InsertResult {
        let insert = try options.resolve(kind: W.kind, args: RawJSON(encoding: args), defaults: W.options, now: now)
        return try Self.insert([insert], on: handle, now: now)[0]
    }

    /// Inserts prepared jobs on your connection inside your transaction. See
    /// ``enqueue(_:args:options:on:now:)``.
    public static func insert(_ jobs: [JobInsert], on handle: OpaquePointer, now: Date = Date()) throws -> [InsertResult] {
        for job in jobs { try job.validate() }
        let jobs = JobTracing.carryingCurrentContext(in: jobs)
        let connection = SQLiteConnection(borrowing: handle)
        do {
            return try connection.insertJobs(jobs, now: now)
        } catch {
            throw ConveyorError(.storage, "inserting jobs in the caller's transaction failed; roll it back", underlying: error)
        }
    }
}
