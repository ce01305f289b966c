import CSQLite
import Conveyor
import ConveyorSQLite
import Foundation
import Testing

@Suite("SQLite: file set-up and migrations")
struct SQLiteSetupTests {
    /// Reads one integer with a connection of the test's own.
    func scalar(_ path: String, _ sql: String) throws -> Int64 {
        var handle: OpaquePointer?
        guard sqlite3_open(path, &handle) == SQLITE_OK, let db = handle else { throw SetupFailure(description: "open failed") }
        defer { sqlite3_close(db) }
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK else {
            throw SetupFailure(description: String(cString: sqlite3_errmsg(db)))
        }
        defer { sqlite3_finalize(statement) }
        guard sqlite3_step(statement) == SQLITE_ROW else { throw SetupFailure(description: "no row for \(sql)") }
        return sqlite3_column_int64(statement, 0)
    }

    @Test func migrationsRunOnceAndTheFileUsesWAL() async throws {
        let path = temporaryPath("setup.sqlite")
        let store = try SQLiteJobStore(path: path)
        try await store.migrate()
        try await store.migrate()
        let again = try SQLiteJobStore(path: path)
        try await again.migrate()
        #expect(try scalar(path, "SELECT count(*) FROM conveyor_migrations") == 8, "one row per migration, each applied once")
        #expect(try scalar(path, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name LIKE 'conveyor_%'") == 11)
        var handle: OpaquePointer?
        sqlite3_open(path, &handle)
        defer { sqlite3_close(handle) }
        var statement: OpaquePointer?
        sqlite3_prepare_v2(handle, "PRAGMA journal_mode", -1, &statement, nil)
        sqlite3_step(statement)
        #expect(String(cString: sqlite3_column_text(statement, 0)) == "wal")
        sqlite3_finalize(statement)
    }

    @Test func anUnopenablePathIsAClearError() throws {
        #expect(performing: { try SQLiteJobStore(path: "/nonexistent-folder/deeper/jobs.sqlite") },
                throws: { error in
                    let error = error as? ConveyorError
                    return error?.code == .storage && error?.field == "path" && error?.message.contains("/nonexistent-folder") == true
                })
    }

    @Test func theClaimUsesTheFetchIndex() async throws {
        let path = temporaryPath("plan.sqlite")
        try await SQLiteJobStore(path: path).migrate()
        var handle: OpaquePointer?
        sqlite3_open(path, &handle)
        defer { sqlite3_close(handle) }
        var statement: OpaquePointer?
        let plan = """
            EXPLAIN QUERY PLAN SELECT id FROM conveyor_jobs WHERE state = 'available' AND queue = 'q'
            ORDER BY priority, scheduled_at, id LIMIT 10
            """
        #expect(sqlite3_prepare_v2(handle, plan, -1, &statement, nil) == SQLITE_OK)
        var details: [String] = []
        while sqlite3_step(statement) == SQLITE_ROW { details.append(String(cString: sqlite3_column_text(statement, 3))) }
        sqlite3_finalize(statement)
        #expect(details.contains { $0.contains("COVERING INDEX conveyor_jobs_fetch") })
        #expect(!details.contains { $0.contains("TEMP B-TREE") }, "the claim must not sort: \(details)")
    }
}

struct SetupFailure: Error, CustomStringConvertible {
    let description: String
}
