import Conveyor
import ExampleKit
import Foundation

/// `email_logs` read back: filtered lists and the seed's statistics.
enum EmailLogs {
    static func list(_ db: any AppDatabase, where filters: [(String, SQLValue)], skip: Int, limit: Int) async throws -> [JSONValue] {
        let clause = filters.isEmpty ? "" : "WHERE " + filters.map(\.0).joined(separator: " AND ")
        let rows = try await db.query("SELECT * FROM \(db.table("email_logs")) \(clause) ORDER BY sent_at DESC, id LIMIT \(limit) OFFSET \(skip)",
                                      filters.map(\.1))
        return rows.map { row in
            .object(Dictionary(uniqueKeysWithValues: zip(row.columns, row.values).map { column, value in
                let json: JSONValue = switch value {
                case .null: .null
                case .int(let number): .number(Double(number))
                case .double(let number): .number(number)
                case .bool(let flag): .bool(flag)
                case .date(let date): .string(date.formatted(.iso8601))
                case .text(let text): .string(text)
                }
                return (column, json)
            }))
        }
    }

    /// `GET /api/v1/email-logs/stats/summary`: rates as percentages with two decimals.
    static func summary(_ db: any AppDatabase) async throws -> [String: JSONValue] {
        let table = db.table("email_logs")
        let counts = try await db.first("""
            SELECT COUNT(*) AS total,
                SUM(CASE WHEN status = 'sent' THEN 1 ELSE 0 END) AS sent, SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END) AS failed,
                SUM(CASE WHEN status = 'pending' THEN 1 ELSE 0 END) AS pending, SUM(CASE WHEN status = 'bounced' THEN 1 ELSE 0 END) AS bounced,
                SUM(CASE WHEN opened_at IS NOT NULL THEN 1 ELSE 0 END) AS opened, SUM(CASE WHEN clicked_at IS NOT NULL THEN 1 ELSE 0 END) AS clicked
            FROM \(table)
            """)
        let value = { (name: String) in counts?[name].int ?? 0 }
        let (total, sent, opened, clicked) = (value("total"), value("sent"), value("opened"), value("clicked"))
        let percent = { (part: Int, whole: Int) in JSONValue.number(whole == 0 ? 0 : (Double(part) / Double(whole) * 10_000).rounded() / 100) }
        let types = try await db.query("SELECT email_type, COUNT(*) AS n FROM \(table) GROUP BY email_type")
        return [
            "total_emails": .number(Double(total)), "sent": .number(Double(sent)), "failed": .number(Double(value("failed"))),
            "pending": .number(Double(value("pending"))), "bounced": .number(Double(value("bounced"))),
            "opened": .number(Double(opened)), "clicked": .number(Double(clicked)),
            "open_rate": percent(opened, sent), "click_rate": percent(clicked, sent), "delivery_rate": percent(sent, total),
            "by_type": .object(Dictionary(uniqueKeysWithValues: types.map { ($0["email_type"].text ?? "", JSONValue.number(Double($0["n"].int ?? 0))) })),
        ]
    }
}
