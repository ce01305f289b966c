import CSQLite
import Conveyor
import ConveyorPostgres
import ConveyorSQLite
import Foundation
import PostgresNIO

/// The application's own table beside a store: created, filled and read with the
/// application's own connection, as a row loop finds it.
struct AppTable: Sendable {
    let store: any JobStore
    /// The name a row loop is given: schema-qualified on PostgreSQL.
    let name: String

    init(_ store: any JobStore, table: String = "contacts") {
        self.store = store
        if let postgres = store as? PostgresJobStore { name = "\(postgres.schema).\(table)" } else { name = table }
    }

    /// A contacts table as seed 001 has it, with `count` rows queued (ids 1…count).
    func createContacts(count: Int) async throws {
        let timestamp = store is PostgresJobStore ? "timestamptz" : "TEXT"
        try await execute("""
            CREATE TABLE \(name) (id INTEGER PRIMARY KEY, email TEXT NOT NULL, crm_status TEXT NOT NULL, crm_error TEXT,
                retry_count INTEGER NOT NULL DEFAULT 0, next_retry_at \(timestamp), updated_at INTEGER NOT NULL)
            """)
        if count > 0 {
            let values = (1...count).map { "(\($0), 'c\($0)@example.com', 'Queued', \($0))" }.joined(separator: ", ")
            try await execute("INSERT INTO \(name) (id, email, crm_status, updated_at) VALUES \(values)")
        }
    }

    func execute(_ sql: String) async throws {
        if store is PostgresJobStore {
            _ = try await TestPostgres.client.query(PostgresQuery(unsafeSQL: sql)).collect()
            return
        }
        try withSQLite { db in
            guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else { throw TestFailure(description: String(cString: sqlite3_errmsg(db))) }
        }
    }

    /// Rows as text (NULL as nil), in the order the statement gives them.
    func rows(_ sql: String) async throws -> [[String?]] {
        if store is PostgresJobStore {
            return try await TestPostgres.client.query(PostgresQuery(unsafeSQL: sql)).collect().map { row in
                row.map { cell in cell.bytes == nil ? nil : (try? cell.decode(String.self)) ?? "?" }
            }
        }
        return try withSQLite { db in
            var statement: OpaquePointer?
            guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK else { throw TestFailure(description: String(cString: sqlite3_errmsg(db))) }
            defer { sqlite3_finalize(statement) }
            var rows: [[String?]] = []
            while sqlite3_step(statement) == SQLITE_ROW {
                rows.append((0..<sqlite3_column_count(statement)).map { column in
                    sqlite3_column_text(statement, column).map { String(cString: $0) }
                })
            }
            return rows
        }
    }

    private func withSQLite<T>(_ body: (OpaquePointer) throws -> T) throws -> T {
        guard let sqlite = store as? SQLiteJobStore else { throw TestFailure(description: "not a SQLite store") }
        var handle: OpaquePointer?
        guard sqlite3_open(sqlite.configuration.path, &handle) == SQLITE_OK, let db = handle else { throw TestFailure(description: "open failed") }
        defer { sqlite3_close(db) }
        sqlite3_busy_timeout(db, 5_000)
        return try body(db)
    }
}
