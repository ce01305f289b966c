import CSQLite
import Foundation
import NIOPosix
import Synchronization

/// The application's tables in a SQLite file (Conveyor's own file or another): one
/// connection of the system's libsqlite3, used on NIO's blocking thread pool so that a
/// statement waiting for the write lock never holds a thread of Swift's cooperative pool.
public final class SQLiteAppDatabase: AppDatabase {
    private let connection: Mutex<OpaquePointer>
    public let path: String
    public var dialect: SQLDialect { .sqlite }

    public init(path: String) throws {
        var handle: OpaquePointer?
        guard sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK, let handle else {
            defer { sqlite3_close(handle) }
            throw AppDatabaseError(statement: "open \(path)", message: handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory")
        }
        sqlite3_busy_timeout(handle, 10_000)
        connection = Mutex(handle)
        self.path = path
        _ = try connection.withLock { try Self.run("PRAGMA journal_mode = WAL", [], on: $0) }
    }

    deinit { connection.withLock { _ = sqlite3_close_v2($0) } }

    public func table(_ name: String) -> String { name }

    public func execute(_ sql: String, _ values: [SQLValue]) async throws {
        _ = try await query(sql, values)
    }

    public func query(_ sql: String, _ values: [SQLValue]) async throws -> [SQLRow] {
        try await NIOThreadPool.singleton.runIfActive { [self] in
            try connection.withLock { try Self.run(sql, values, on: $0) }
        }
    }

    private static func run(_ sql: String, _ values: [SQLValue], on db: OpaquePointer) throws -> [SQLRow] {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw AppDatabaseError(statement: sql, message: String(cString: sqlite3_errmsg(db)))
        }
        defer { sqlite3_finalize(statement) }
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            switch value {
            case .null: sqlite3_bind_null(statement, index)
            case .int(let value): sqlite3_bind_int64(statement, index, Int64(value))
            case .double(let value): sqlite3_bind_double(statement, index, value)
            case .bool(let value): sqlite3_bind_int64(statement, index, value ? 1 : 0)
            case .text(let text): sqlite3_bind_text(statement, index, text, -1, transient)
            case .date(let date):
                sqlite3_bind_text(statement, index, date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)), -1, transient)
            }
        }
        let columns = (0..<sqlite3_column_count(statement)).map { String(cString: sqlite3_column_name(statement, $0)) }
        var rows: [SQLRow] = []
        while true {
            switch sqlite3_step(statement) {
            case SQLITE_ROW:
                rows.append(SQLRow(columns: columns, values: (0..<Int32(columns.count)).map { value(statement, $0) }))
            case SQLITE_DONE:
                return rows
            default:
                throw AppDatabaseError(statement: sql, message: String(cString: sqlite3_errmsg(db)))
            }
        }
    }

    private static func value(_ statement: OpaquePointer, _ column: Int32) -> SQLValue {
        switch sqlite3_column_type(statement, column) {
        case SQLITE_INTEGER: .int(Int(sqlite3_column_int64(statement, column)))
        case SQLITE_FLOAT: .double(sqlite3_column_double(statement, column))
        case SQLITE_NULL: .null
        default: .text(sqlite3_column_text(statement, column).map { String(cString: $0) } ?? "")
        }
    }

    /// SQLite copies the text before the call returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}

/// A statement the database refused, with its message.
public struct AppDatabaseError: Error, CustomStringConvertible {
    public let statement: String
    public let message: String

    public var description: String { "\(message) (in: \(statement.prefix(120)))" }
}
