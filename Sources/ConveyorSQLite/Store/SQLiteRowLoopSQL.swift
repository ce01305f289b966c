import Conveyor
import Foundation

/// The statements of a row loop on the application's own table, in the same file. Table and
/// column names are identifiers the loop validated and the store found with
/// `pragma_table_info`; they go into the text quoted. Every value is a bound parameter. Times
/// in the next-retry column are ISO 8601 text in UTC (`2026-12-06T08:00:00.000Z`), compared
/// through `julianday`, which also reads SQLite's own `YYYY-MM-DD HH:MM:SS`.
struct SQLiteRowLoopSQL {
    let loop: RowLoop

    static func quoted(_ identifier: String) -> String { "\"\(identifier)\"" }

    /// The table's columns; none when it does not exist.
    static func catalogue(_ table: String) -> SQLiteQuery {
        let parts = table.split(separator: ".").map(String.init)
        return parts.count == 2
            ? "SELECT name FROM pragma_table_info(\(parts[1]), \(parts[0]))"
            : "SELECT name FROM pragma_table_info(\(table))"
    }

    static func time(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    private var table: String { loop.table.split(separator: ".").map { Self.quoted(String($0)) }.joined(separator: ".") }
    private var id: String { Self.quoted(loop.columns.id) }
    private var status: String { Self.quoted(loop.columns.status) }

    func requeue(passID: Int64) -> (String, [SQLiteValue]) {
        var query = Builder()
        query.text = """
            UPDATE \(table) SET \(status) = \(query.bind(.text(loop.statuses.queued))) WHERE \(status) = \(query.bind(.text(loop.statuses.processing)))
              AND NOT EXISTS (SELECT 1 FROM conveyor_jobs WHERE kind = \(query.bind(.text(loop.kind))) AND state = 'executing' AND id <> \(query.bind(.integer(passID))))
            """
        return (query.text, query.values)
    }

    func claim(now: Date) -> (String, [SQLiteValue]) {
        var query = Builder()
        let processing = query.bind(.text(loop.statuses.processing))
        var due = "\(status) = \(query.bind(.text(loop.statuses.queued)))"
        if let next = loop.columns.nextRetryAt {
            due += " AND (\(Self.quoted(next)) IS NULL OR julianday(\(Self.quoted(next))) <= julianday(\(query.bind(.text(Self.time(now))))))"
        }
        for filter in loop.filters {
            due += filter.equals.map { " AND CAST(\(Self.quoted(filter.column)) AS TEXT) = \(query.bind(.text($0)))" }
                ?? " AND \(Self.quoted(filter.column)) IS NULL"
        }
        let order = (loop.orderBy.map { "\(Self.quoted($0)), " } ?? "") + id
        let retries = loop.columns.retryCount.map { "coalesce(\(Self.quoted($0)), 0)" } ?? "0"
        query.text = """
            UPDATE \(table) SET \(status) = \(processing)
            WHERE \(id) IN (SELECT \(id) FROM \(table) WHERE \(due) ORDER BY \(order) LIMIT \(query.bind(.integer(Int64(loop.batchSize)))))
            RETURNING CAST(\(id) AS TEXT), \(retries)
            """
        return (query.text, query.values)
    }

    func finish(id rowID: String, _ update: RowUpdate) -> (String, [SQLiteValue]) {
        var query = Builder()
        let sets = query.assign(loop.assignments(update))
        query.text = """
            UPDATE \(table) SET \(sets)
            WHERE \(id) = \(query.bind(.text(rowID))) AND \(status) = \(query.bind(.text(loop.statuses.processing)))
            """
        return (query.text, query.values)
    }

    func complete(ids: [String]) -> (String, [SQLiteValue]) {
        var query = Builder()
        let sets = query.assign(loop.completion)
        query.text = """
            UPDATE \(table) SET \(sets)
            WHERE \(id) IN (SELECT value FROM json_each(\(query.bind(.text(StoreCoding.json(ids))))))
              AND \(status) = \(query.bind(.text(loop.statuses.processing)))
            """
        return (query.text, query.values)
    }

    /// Text with `?N` placeholders and their values, bound in the order they are written.
    private struct Builder {
        var text = ""
        var values: [SQLiteValue] = []

        mutating func bind(_ value: SQLiteValue) -> String {
            values.append(value)
            return "?\(values.count)"
        }

        /// `"column" = ?N, …` for `assignments`, each value bound.
        mutating func assign(_ assignments: [(column: String, value: RowValue)]) -> String {
            assignments.map { column, value in
                let bound = switch value {
                case .text(let text): bind(.text(text))
                case .integer(let number): bind(.integer(number))
                case .time(let date): bind(.text(SQLiteRowLoopSQL.time(date)))
                case .null: "NULL"
                }
                return "\(SQLiteRowLoopSQL.quoted(column)) = \(bound)"
            }.joined(separator: ", ")
        }
    }
}
