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
        var query = Statement()
        query.sql("UPDATE "); query.name(table); query.sql(" SET "); query.name(status); query.sql(" = "); query.value(loop.statuses.queued)
        query.sql(" WHERE "); query.name(status); query.sql(" = "); query.value(loop.statuses.processing)
        query.sql(" AND NOT EXISTS (SELECT 1 FROM "); query.name(jobs.qualified); query.sql(" WHERE kind = "); query.value(loop.kind)
        query.sql(" AND state = 'executing' AND id <> "); query.value(passID); query.sql(") RETURNING 1")
        return query.query
    }

    func claim(now: Date) -> PostgresQuery {
        var query = Statement()
        query.sql("UPDATE "); query.name(table); query.sql(" t SET "); query.name(status); query.sql(" = "); query.value(loop.statuses.processing)
        query.sql(" FROM (SELECT "); query.name(id); query.sql(" FROM "); query.name(table)
        query.sql(" WHERE "); query.name(status); query.sql(" = "); query.value(loop.statuses.queued)
        if let next = loop.columns.nextRetryAt.map(Self.quoted) {
            query.sql(" AND ("); query.name(next); query.sql(" IS NULL OR "); query.name(next); query.sql(" <= "); query.value(StoredTimestamp(now)); query.sql(")")
        }
        for filter in loop.filters {
            query.sql(" AND "); query.name(Self.quoted(filter.column))
            if let value = filter.equals { query.sql("::text = "); query.value(value) } else { query.sql(" IS NULL") }
        }
        query.sql(" ORDER BY ")
        if let order = loop.orderBy { query.name(Self.quoted(order)); query.sql(", ") }
        query.name(id); query.sql(" LIMIT "); query.value(Int64(loop.batchSize)); query.sql(" FOR UPDATE SKIP LOCKED) c")
        query.sql(" WHERE t."); query.name(id); query.sql(" = c."); query.name(id)
        query.sql(" RETURNING t."); query.name(id); query.sql("::text, ")
        if let retries = loop.columns.retryCount { query.sql("coalesce(t."); query.name(Self.quoted(retries)); query.sql(", 0)::int8") } else { query.sql("0::int8") }
        return query.query
    }

    func finish(id rowID: String, _ update: RowUpdate) -> PostgresQuery {
        var query = Statement()
        query.sql("UPDATE "); query.name(table); query.sql(" SET "); query.assign(loop.assignments(update))
        query.sql(" WHERE "); query.name(id); query.sql(" = CAST("); query.value(rowID); query.sql(" AS "); query.name(idType)
        query.sql(") AND "); query.name(status); query.sql(" = "); query.value(loop.statuses.processing)
        return query.query
    }

    func complete(ids: [String]) -> PostgresQuery {
        var query = Statement()
        query.sql("UPDATE "); query.name(table); query.sql(" SET "); query.assign(loop.completion)
        query.sql(" WHERE "); query.name(id); query.sql(" = ANY (CAST("); query.value(ids); query.sql(" AS "); query.name(idType)
        query.sql("[])) AND "); query.name(status); query.sql(" = "); query.value(loop.statuses.processing)
        return query.query
    }

    /// A statement written through the driver's own interpolation: constant text, names the
    /// loop checked against the catalogue (quoted), and values, each bound.
    private struct Statement {
        private var text = PostgresQuery.StringInterpolation(literalCapacity: 256, interpolationCount: 8)

        mutating func sql(_ constant: StaticString) { text.appendLiteral(constant.description) }
        mutating func name(_ checked: String) { text.appendInterpolation(unescaped: checked) }
        mutating func value(_ value: some PostgresDynamicTypeEncodable) { text.appendInterpolation(value) }

        /// `"column" = $n, …` for `assignments`, each value bound.
        mutating func assign(_ assignments: [(column: String, value: RowValue)]) {
            for (index, (column, value)) in assignments.enumerated() {
                if index > 0 { sql(", ") }
                name(RowLoopSQL.quoted(column))
                sql(" = ")
                switch value {
                case .text(let text): self.value(text)
                case .integer(let number): self.value(number)
                case .time(let date): self.value(StoredTimestamp(date))
                case .null: sql("NULL")
                }
            }
        }

        var query: PostgresQuery { PostgresQuery(stringInterpolation: text) }
    }
}
