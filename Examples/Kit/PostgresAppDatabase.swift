import Foundation
import Logging
public import PostgresNIO

/// The application's tables in a PostgreSQL schema of their own, through the same
/// `PostgresClient` Conveyor's store uses.
public struct PostgresAppDatabase: AppDatabase {
    public let client: PostgresClient
    /// The schema the application's tables live in.
    public let schema: String
    private let logger: Logger

    public init(client: PostgresClient, schema: String, logger: Logger = Logger(label: "app.postgres")) {
        self.client = client
        self.schema = schema
        self.logger = logger
    }

    public var dialect: SQLDialect { .postgres }

    public func table(_ name: String) -> String { "\(schema).\(name)" }

    public func execute(_ sql: String, _ values: [SQLValue]) async throws {
        _ = try await query(sql, values)
    }

    public func query(_ sql: String, _ values: [SQLValue]) async throws -> [SQLRow] {
        let rows = try await client.query(try Self.query(sql, values), logger: logger)
        var answer: [SQLRow] = []
        for try await row in rows {
            answer.append(SQLRow(columns: row.map(\.columnName), values: row.map(Self.value)))
        }
        return answer
    }

    /// `?` becomes `$1`, `$2`… outside quoted text; each value is bound, never spliced.
    static func query(_ sql: String, _ values: [SQLValue]) throws -> PostgresQuery {
        var text = "", number = 0, quote: Character?
        for character in sql {
            if let open = quote {
                if character == open { quote = nil }
                text.append(character)
            } else if character == "'" || character == "\"" {
                quote = character
                text.append(character)
            } else if character == "?" {
                number += 1
                text += "$\(number)"
            } else {
                text.append(character)
            }
        }
        guard number == values.count else {
            throw AppDatabaseError(statement: sql, message: "the statement has \(number) placeholders but \(values.count) values were given")
        }
        var bindings = PostgresBindings(capacity: values.count)
        for value in values {
            switch value {
            case .null: bindings.appendNull()
            case .int(let value): bindings.append(value)
            case .double(let value): bindings.append(value)
            case .text(let text): bindings.append(text)
            case .bool(let value): bindings.append(value)
            case .date(let date): bindings.append(date)
            }
        }
        return PostgresQuery(unsafeSQL: text, binds: bindings)
    }

    static func value(_ cell: PostgresCell) -> SQLValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8: return (try? cell.decode(Int.self)).map(SQLValue.int) ?? .null
        case .float4, .float8: return (try? cell.decode(Double.self)).map(SQLValue.double) ?? .null
        case .bool: return (try? cell.decode(Bool.self)).map(SQLValue.bool) ?? .null
        case .timestamptz, .timestamp: return (try? cell.decode(Date.self)).map(SQLValue.date) ?? .null
        case .numeric: return (try? cell.decode(Decimal.self)).map { .double(NSDecimalNumber(decimal: $0).doubleValue) } ?? .null
        default: return (try? cell.decode(String.self)).map(SQLValue.text) ?? .null
        }
    }
}
