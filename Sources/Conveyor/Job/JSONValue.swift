import Foundation

/// A JSON value: what job arguments, results and meta are made of when no Swift type is known
/// (the CLI, the HTTP API, listings).
public enum JSONValue: Sendable, Hashable, Codable {
    /// JSON's `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number.
    case number(Double)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object.
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else if let value = try? container.decode([String: JSONValue].self) {
            self = .object(value)
        } else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "holds a value that cannot be stored: a number beyond ±1.8e308, or a string with an unpaired surrogate escape (\\ud800 to \\udfff)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// Parses JSON text.
    ///
    /// - Throws: ``ConveyorError`` with code `invalidInput` naming `field` when the text is not JSON.
    public init(parsing text: String, field: String) throws(ConveyorError) {
        do {
            self = try RawJSON.decoding(JSONValue.self, from: text)
        } catch {
            throw .invalid(field, "is not valid JSON: \(JSONValue.describe(error))")
        }
    }

    /// The value at `key` when this is an object.
    public subscript(key: String) -> JSONValue? {
        if case .object(let fields) = self { return fields[key] }
        return nil
    }

    /// A short reason from a decoding error, without the payload.
    /// A type in the words of JSON, without Swift's names.
    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type, is Int32.Type, is Int16.Type, is Int8.Type, is UInt.Type, is UInt64.Type, is UInt32.Type: "a whole number"
        case is Double.Type, is Float.Type: "a number"
        case is Bool.Type: "true or false"
        case is [String: Any].Type: "a JSON object"
        case is [Any].Type: "an array"
        default: "of another JSON type"
        }
    }

    static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func at(_ context: DecodingError.Context, _ reason: String) -> String {
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? reason : "at '\(path)': \(reason)"
        }
        switch error {
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            return at(context, "must be \(describe(type))")
        case .dataCorrupted(let context):
            let underlying = context.underlyingError.map { "\($0)" } ?? ""
            if underlying.contains("not representable") { return at(context, "is a number out of range") }
            return at(context, context.underlyingError == nil ? context.debugDescription : "is not valid here")
        case .keyNotFound(let key, let context):
            let path = (context.codingPath + [key]).map(\.stringValue).joined(separator: ".")
            return "missing field '\(path)'"
        @unknown default:
            return "\(error)"
        }
    }
}
