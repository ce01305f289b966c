import CSQLite
import Conveyor
import ConveyorSQLite
import Foundation
import Testing

@Suite("SQLite: transactional enqueue on the caller's connection")
struct TransactionalEnqueueTests {
    /// The application's own connection: its write and the job commit or roll back together.
    @Test(arguments: [true, false])
    func jobCommitsOrRollsBackWithTheCallersWrite(commit: Bool) async throws {
        let path = temporaryPath("app.sqlite")
        let store = try SQLiteJobStore(path: path)
        try await store.migrate()
        var handle: OpaquePointer?
        #expect(sqlite3_open(path, &handle) == SQLITE_OK)
        let db = try #require(handle)
        defer { sqlite3_close(db) }
        sqlite3_busy_timeout(db, 5_000)
        #expect(sqlite3_exec(db, "CREATE TABLE contacts (id INTEGER PRIMARY KEY, status TEXT); INSERT INTO contacts VALUES (1, 'new')", nil, nil, nil) == SQLITE_OK)

        #expect(sqlite3_exec(db, "BEGIN IMMEDIATE; UPDATE contacts SET status = 'queued' WHERE id = 1", nil, nil, nil) == SQLITE_OK)
        let result = try SQLiteJobStore.enqueue(SyncContact.self, args: .init(contactID: 1), on: db)
        #expect(sqlite3_exec(db, commit ? "COMMIT" : "ROLLBACK", nil, nil, nil) == SQLITE_OK)

        let stored = try await store.job(id: result.job.id)
        var status: OpaquePointer?
        sqlite3_prepare_v2(db, "SELECT status FROM contacts WHERE id = 1", -1, &status, nil)
        sqlite3_step(status)
        let contactStatus = String(cString: sqlite3_column_text(status, 0))
        sqlite3_finalize(status)
        if commit {
            #expect(stored?.kind == SyncContact.kind)
            #expect(contactStatus == "queued")
        } else {
            #expect(stored == nil)
            #expect(contactStatus == "new")
        }
    }
}

struct SyncContact: JobWorker {
    struct Args: Codable, Sendable { let contactID: Int }
    static let kind = "crm.sync_contact"
    func perform(_ args: Args, context: JobContext) async throws {}
}

func temporaryPath(_ name: String) -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("conveyor-sqlite-tests-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder.appendingPathComponent(name).path
}
