package import Foundation

/// How every store writes the JSON it keeps beside the job's own args and meta (error entries,
/// tag lists), so the backends read each other's conventions the same way.
package enum StoreCoding {
    package static func json(_ value: some Encodable) -> String {
        // Encoding strings and error entries cannot fail.
        String(decoding: (try? encoder.encode(value)) ?? Data("null".utf8), as: UTF8.self)
    }

    package static func strings(_ json: String) -> [String] {
        (try? decoder.decode([String].self, from: Data(json.utf8))) ?? []
    }

    package static func iso8601(_ date: Date) -> String { date.formatted(.iso8601) }

    package static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()

    package static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}

/// One versioned schema change of a store.
package struct SchemaMigration: Sendable {
    package let version: Int
    package let name: String
    package let sql: String

    package init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }
}
