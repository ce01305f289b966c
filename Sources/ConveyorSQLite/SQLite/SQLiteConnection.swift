import CSQLite
import Conveyor
import Foundation

/// A value bound to a statement parameter.
enum SQLiteValue {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
}

/// An error reported by SQLite.
struct SQLiteError: Error, CustomStringConvertible {
    let code: Int32
    let message: String
    var description: String { "SQLite error \(code): \(message)" }

    var isConstraintViolation: Bool { code & 0xff == SQLITE_CONSTRAINT }
    var isBusy: Bool { code & 0xff == SQLITE_BUSY || code & 0xff == SQLITE_LOCKED }
}

/// One SQLite connection with a cache of prepared statements. Not thread-safe: the store uses
/// it from its ``DatabaseThread`` only; a borrowed handle stays on the caller's thread.
final class SQLiteConnection {
    let handle: OpaquePointer
    private let ownsHandle: Bool
    private var statements: [String: SQLiteStatement] = [:]

    init(path: String, busyTimeout: Duration) throws {
        _ = Self.configureLibrary
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let status = sqlite3_open_v2(path, &handle, flags, nil)
        guard status == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let handle { sqlite3_close_v2(handle) }
            throw SQLiteError(code: status, message: message)
        }
        self.handle = handle
        self.ownsHandle = true
        sqlite3_extended_result_codes(handle, 1)
        // Held to a day first: a larger timeout would overflow the multiplication, and waits no longer.
        let seconds = min(max(busyTimeout.components.seconds, 0), 86_400)
        sqlite3_busy_timeout(handle, Int32(seconds * 1000 + busyTimeout.components.attoseconds / 1_000_000_000_000_000))
        addJSONContains()
    }

    /// Process-wide settings, applied once before the first connection opens.
    private static let configureLibrary: Void = { _ = csqlite_disable_memory_statistics() }()

    /// Uses a connection the caller opened and keeps; it is never closed here.
    init(borrowing handle: OpaquePointer) {
        self.handle = handle
        self.ownsHandle = false
    }

    deinit {
        statements.removeAll()
        if ownsHandle { sqlite3_close_v2(handle) }
    }

    /// Runs one or more statements that bind nothing and return nothing.
    func execute(_ sql: String) throws {
        var error: UnsafeMutablePointer<CChar>?
        let status = sqlite3_exec(handle, sql, nil, nil, &error)
        if status != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? lastErrorMessage
            sqlite3_free(error)
            throw SQLiteError(code: status, message: message)
        }
    }

    /// A cached prepared statement for `sql`, reset and with `values` bound.
    func statement(_ sql: String, _ values: [SQLiteValue]) throws -> SQLiteStatement {
        let statement: SQLiteStatement
        if let cached = statements[sql] {
            statement = cached
        } else {
            statement = try SQLiteStatement(connection: self, sql: sql)
            statements[sql] = statement
        }
        try statement.bind(values)
        return statement
    }

    /// Runs a statement and maps each row.
    func query<T>(_ sql: String, _ values: [SQLiteValue] = [], _ map: (SQLiteStatement) throws -> T) throws -> [T] {
        let statement = try statement(sql, values)
        defer { statement.reset() }
        var rows: [T] = []
        while try statement.step() { rows.append(try map(statement)) }
        return rows
    }

    /// Runs a statement that returns no rows; returns how many rows it changed.
    @discardableResult
    func run(_ sql: String, _ values: [SQLiteValue] = []) throws -> Int {
        let statement = try statement(sql, values)
        defer { statement.reset() }
        while try statement.step() {}
        return Int(sqlite3_changes(handle))
    }

    /// Runs `body` in a transaction that takes the write lock at once (`BEGIN IMMEDIATE`), so
    /// two processes never both read and then both write.
    func writeTransaction<T>(_ body: () throws -> T) throws -> T {
        try run("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try run("COMMIT")
            return result
        } catch {
            _ = try? run("ROLLBACK")
            throw error
        }
    }

    var lastErrorMessage: String { String(cString: sqlite3_errmsg(handle)) }

    func error(_ status: Int32) -> SQLiteError { SQLiteError(code: status, message: lastErrorMessage) }
}
