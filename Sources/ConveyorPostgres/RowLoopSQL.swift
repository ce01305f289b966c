import Conveyor
import Foundation
import PostgresNIO

/// The statements of a row loop on the application's own table. Table and column names are
/// identifiers the loop validated and the store found in the catalogue; they go into the text
/// quoted. Every value is a bound parameter.
struct RowLoopSQL {
    let loop: RowLoop
    /// The id column's type as the catalogue names it (`bigint`, `uuid`, …): ids travel as text.
    let idType: String

    static func quoted(_ identifier: String) -> String { "\"\(identifier)\"" }
    static func quotedTable(_ table: String) -> String { table.split(separator: ".").map { quoted(String($0)) }.joined(separator: ".") }

    /// Columns of the table, with their types; no rows when the table does not exist.
    static func catalogue(_ table: String) -> PostgresQuery {
        """
        SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a
        WHERE a.attrelid = to_regclass(\(quotedTable(table))) AND a.attnum > 0 AND NOT a.attisdropped
        """
    }

    private var table: String { Self.quotedTable(loop.table) }
    private var id: String { Self.quoted(loop.columns.id) }
    private var status: String { Self.quoted(loop.columns.status) }

    func requeue(passID: Int64, jobs: SchemaTable) -> PostgresQuery {
        var query = Builder()
        query.text = """
            UPDATE \(table) SET \(status) = \(query.bind(loop.statuses.queued)) WHERE \(status) = \(query.bind(loop.statuses.processing))
              AND NOT EXISTS (SELECT 1 FROM \(jobs.qualified) WHERE kind = \(query.bind(loop.kind)) AND state = 'executing' AND id <> \(query.bind(passID)))
            RETURNING 1
            """
        return query.query
    }

    func claim(now: Date) -> PostgresQuery {
        var query = Builder()
        let processing = query.bind(loop.statuses.processing)
        var due = "\(status) = \(query.bind(loop.statuses.queued))"
        if let next = loop.columns.nextRetryAt {
            due += " AND (\(Self.quoted(next)) IS NULL OR \(Self.quoted(next)) <= \(query.bind(StoredTimestamp(now))))"
        }
        for filter in loop.filters {
            due += filter.equals.map { " AND \(Self.quoted(filter.column))::text = \(query.bind($0))" } ?? " AND \(Self.quoted(filter.column)) IS NULL"
        }
        let order = (loop.orderBy.map { "\(Self.quoted($0)), " } ?? "") + id
        let retries = loop.columns.retryCount.map { "coalesce(t.\(Self.quoted($0)), 0)::int8" } ?? "0::int8"
        query.text = """
            UPDATE \(table) t SET \(status) = \(processing)
            FROM (SELECT \(id) FROM \(table) WHERE \(due) ORDER BY \(order) LIMIT \(query.bind(Int64(loop.batchSize))) FOR UPDATE SKIP LOCKED) c
            WHERE t.\(id) = c.\(id)
            RETURNING t.\(id)::text, \(retries)
            """
        return query.query
    }

    func finish(id rowID: String, _ update: RowUpdate) -> PostgresQuery {
        var query = Builder()
        let sets = query.assign(loop.assignments(update))
        query.text = """
            UPDATE \(table) SET \(sets)
            WHERE \(id) = CAST(\(query.bind(rowID)) AS \(idType)) AND \(status) = \(query.bind(loop.statuses.processing))
            """
        return query.query
    }

    func complete(ids: [String]) -> PostgresQuery {
        var query = Builder()
        let sets = query.assign(loop.completion)
        query.text = """
            UPDATE \(table) SET \(sets)
            WHERE \(id) = ANY (CAST(\(query.bind(ids)) AS \(idType)[])) AND \(status) = \(query.bind(loop.statuses.processing))
            """
        return query.query
    }

    /// Text with `$n` placeholders and their values, bound in the order they are written.
    private struct Builder {
        var text = ""
        var binds = PostgresBindings()

        mutating func bind(_ value: some PostgresNonThrowingEncodable & Sendable) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }

        /// `"column" = $n, …` for `assignments`, each value bound.
        mutating func assign(_ assignments: [(column: String, value: RowValue)]) -> String {
            assignments.map { column, value in
                let bound = switch value {
                case .text(let text): bind(text)
                case .integer(let number): bind(number)
                case .time(let date): bind(StoredTimestamp(date))
                case .null: "NULL"
                }
                return "\(RowLoopSQL.quoted(column)) = \(bound)"
            }.joined(separator: ", ")
        }

        var query: PostgresQuery { PostgresQuery(unsafeSQL: text, binds: binds) }
    }
}
