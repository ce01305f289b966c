import Conveyor
import Foundation

/// A statement and its values, written as one string: each interpolated value becomes the
/// next `?N` parameter, bound to it, so the text and its values cannot fall out of order.
/// Text that is not a value (a column list) goes in with `\(unescaped:)`; dates are stored as
/// ``SQLiteCoding`` microseconds.
///
/// ```swift
/// let query: SQLiteQuery = "DELETE FROM conveyor_nodes WHERE name = \(name)"
/// ```
struct SQLiteQuery: ExpressibleByStringInterpolation {
    let sql: String
    let values: [SQLiteValue]

    init(stringLiteral sql: String) {
        self.sql = sql
        values = []
    }

    init(stringInterpolation: StringInterpolation) {
        sql = stringInterpolation.sql
        values = stringInterpolation.values
    }

    struct StringInterpolation: StringInterpolationProtocol {
        fileprivate var sql = ""
        fileprivate var values: [SQLiteValue] = []

        init(literalCapacity: Int, interpolationCount: Int) {
            sql.reserveCapacity(literalCapacity + 3 * interpolationCount)
            values.reserveCapacity(interpolationCount)
        }

        mutating func appendLiteral(_ literal: String) { sql += literal }
        mutating func appendInterpolation(unescaped text: String) { sql += text }

        mutating func appendInterpolation(_ value: String) { bind(.text(value)) }
        mutating func appendInterpolation(_ value: String?) { bind(value.map { .text($0) } ?? .null) }
        mutating func appendInterpolation(_ value: Int64) { bind(.integer(value)) }
        mutating func appendInterpolation(_ value: Int64?) { bind(value.map { .integer($0) } ?? .null) }
        mutating func appendInterpolation(_ value: Int) { bind(.integer(Int64(value))) }
        mutating func appendInterpolation(_ value: Int?) { bind(value.map { .integer(Int64($0)) } ?? .null) }
        mutating func appendInterpolation(_ value: Bool) { bind(.integer(value ? 1 : 0)) }
        mutating func appendInterpolation(_ value: Double) { bind(.real(value)) }
        mutating func appendInterpolation(_ value: Date) { bind(.integer(SQLiteCoding.micros(value))) }
        mutating func appendInterpolation(_ value: Date?) { bind(value.map { .integer(SQLiteCoding.micros($0)) } ?? .null) }

        private mutating func bind(_ value: SQLiteValue) {
            values.append(value)
            sql += "?\(values.count)"
        }
    }
}

extension SQLiteConnection {
    /// Runs `query` and maps each row.
    func query<T>(_ query: SQLiteQuery, _ map: (SQLiteStatement) throws -> T) throws -> [T] {
        try self.query(query.sql, query.values, map)
    }

    /// Runs `query`, which returns no rows; returns how many rows it changed.
    @discardableResult
    func run(_ query: SQLiteQuery) throws -> Int {
        try run(query.sql, query.values)
    }
}
