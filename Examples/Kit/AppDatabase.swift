public import Foundation

/// The application's own tables, beside Conveyor's: what each example's code reads and
/// writes, on SQLite or PostgreSQL, with one SQL text per statement.
///
/// Statements use `?` for values. The few places the two databases differ are named by
/// ``dialect`` (column types), and ``table(_:)`` qualifies a table name with the
/// application's schema on PostgreSQL.
public protocol AppDatabase: Sendable {
    var dialect: SQLDialect { get }
    /// `name`, qualified with the application's schema where the database has schemas.
    func table(_ name: String) -> String
    /// Runs a statement. (Use `RETURNING` to learn which rows it changed.)
    func execute(_ sql: String, _ values: [SQLValue]) async throws
    /// Runs a query; answers its rows.
    func query(_ sql: String, _ values: [SQLValue]) async throws -> [SQLRow]
}

extension AppDatabase {
    public func execute(_ sql: String) async throws { try await execute(sql, []) }

    public func query(_ sql: String) async throws -> [SQLRow] { try await query(sql, []) }

    /// The first row, if any.
    public func first(_ sql: String, _ values: [SQLValue] = []) async throws -> SQLRow? {
        try await query(sql, values).first
    }

    /// The integer in the first column of the first row (a count), 0 when there is none.
    public func count(_ sql: String, _ values: [SQLValue] = []) async throws -> Int {
        try await first(sql, values)?.values.first?.int ?? 0
    }
}

/// Where SQLite and PostgreSQL spell a thing differently.
public enum SQLDialect: Sendable {
    case sqlite
    case postgres

    /// An integer key the database numbers itself.
    public var serialKey: String { self == .sqlite ? "INTEGER PRIMARY KEY" : "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY" }
    /// A point in time (SQLite keeps ISO 8601 text, as Conveyor's row loops write it).
    public var timestamp: String { self == .sqlite ? "TEXT" : "TIMESTAMPTZ" }
    public var boolean: String { self == .sqlite ? "INTEGER" : "BOOLEAN" }
    /// A JSON document.
    public var json: String { self == .sqlite ? "TEXT" : "JSONB" }
}

/// A value bound to a `?` or read from a column.
public enum SQLValue: Sendable, Hashable, CustomStringConvertible {
    case null
    case int(Int)
    case double(Double)
    case text(String)
    case bool(Bool)
    case date(Date)

    public var int: Int? {
        switch self {
        case .int(let value): value
        case .double(let value): Int(exactly: value)
        case .text(let text): Int(text)
        case .bool(let value): value ? 1 : 0
        default: nil
        }
    }

    public var double: Double? {
        switch self {
        case .double(let value): value
        case .int(let value): Double(value)
        case .text(let text): Double(text)
        default: nil
        }
    }

    public var text: String? {
        switch self {
        case .null: nil
        case .text(let text): text
        case .int(let value): String(value)
        case .double(let value): String(value)
        case .bool(let value): String(value)
        case .date(let date): date.formatted(.iso8601)
        }
    }

    /// SQLite keeps booleans as 0 and 1.
    public var bool: Bool? {
        switch self {
        case .bool(let value): value
        case .int(let value): value != 0
        default: nil
        }
    }

    /// SQLite keeps times as ISO 8601 text.
    public var date: Date? {
        switch self {
        case .date(let date): return date
        case .text(let text):
            return (try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))) ?? (try? Date(text, strategy: .iso8601))
        default: return nil
        }
    }

    public var isNull: Bool { self == .null }

    public var description: String { text ?? "NULL" }
}

extension SQLValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral {
    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension SQLValue {
    /// `text`, or NULL for nil.
    public static func optional(_ text: String?) -> SQLValue { text.map(SQLValue.text) ?? .null }
}

/// One row of a query's answer, by column name.
public struct SQLRow: Sendable, CustomStringConvertible {
    public let columns: [String]
    public let values: [SQLValue]

    public init(columns: [String], values: [SQLValue]) {
        self.columns = columns
        self.values = values
    }

    public subscript(_ column: String) -> SQLValue {
        columns.firstIndex(of: column).map { values[$0] } ?? .null
    }

    public var description: String {
        zip(columns, values).map { "\($0)=\($1)" }.joined(separator: " ")
    }
}
