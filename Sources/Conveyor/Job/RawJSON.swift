import Foundation

/// JSON text kept as stored, so the hot path never parses what it does not need.
///
/// It encodes as the JSON it holds (not as a string) and decodes from any JSON value.
public struct RawJSON: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The JSON text.
    public let text: String

    /// Wraps text that is already known to be valid JSON (read back from the store).
    package init(trusted text: String) { self.text = text }

    /// Wraps a JSON value.
    public init(_ value: JSONValue) { self.text = value.jsonText }

    /// Encodes a value as JSON.
    ///
    /// - Throws: ``ConveyorError`` (`invalidInput`, naming `field`) when the value cannot be encoded.
    public init(encoding value: some Encodable, field: String = "args") throws(ConveyorError) {
        do {
            let data = try RawJSON.encoder.encode(value)
            self.text = String(decoding: data, as: UTF8.self)
        } catch {
            throw .invalid(field, "cannot be encoded as JSON: \(error)")
        }
    }

    /// Validates JSON text.
    ///
    /// - Throws: ``ConveyorError`` (`invalidInput`, naming `field`) when the text is not JSON.
    public init(validating text: String, field: String) throws(ConveyorError) {
        self.init(try JSONValue(parsing: text, field: field))
    }

    /// Equal when they hold the same JSON value, whatever the spacing or key order: PostgreSQL's
    /// jsonb gives back its own normalised text.
    public static func == (lhs: RawJSON, rhs: RawJSON) -> Bool {
        lhs.text == rhs.text || lhs.value == rhs.value
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(value)
    }

    /// The text parsed as a JSON value (`null` if it could not be parsed).
    public var value: JSONValue { (try? JSONValue(parsing: text, field: "json")) ?? .null }

    /// Decodes the text as `type`.
    ///
    /// - Throws: ``ConveyorError`` (`invalidInput`, naming `field` and the path inside it).
    public func decode<T: Decodable>(_ type: T.Type, field: String = "args") throws(ConveyorError) -> T {
        do {
            return try RawJSON.decoding(type, from: text)
        } catch {
            throw .invalid(field, "does not match: \(JSONValue.describe(error))")
        }
    }

    /// Decodes JSON text with the one decoder every job's args go through: a decoder per call,
    /// and `Data`'s generic initializer over the text, cost more than decoding small args.
    static func decoding<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        var text = text
        return try text.withUTF8 { try decoder.decode(type, from: Data($0)) }
    }

    private static let decoder = JSONDecoder()

    /// The JSON text.
    public var description: String { text }

    public init(from decoder: any Decoder) throws {
        self.init(try JSONValue(from: decoder))
    }

    public func encode(to encoder: any Encoder) throws {
        try value.encode(to: encoder)
    }

    /// `{}`.
    public static let emptyObject = RawJSON(trusted: "{}")

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()
}
