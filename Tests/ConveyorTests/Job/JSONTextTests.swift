import Conveyor
import Foundation
import Testing

/// ``JSONValue/jsonText`` is written by hand for speed; unique keys hash it, so it must stay the
/// text `JSONEncoder` gives with sorted keys, and parse back to the same value.
@Suite("JSON text")
struct JSONTextTests {
    static func encoderText(_ value: JSONValue) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    @Test(arguments: 0..<8)
    func matchesJSONEncoderForRandomValues(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        for _ in 0..<300 {
            let value = Self.randomValue(&random, depth: 0)
            let text = value.jsonText
            #expect(text == (try Self.encoderText(value)), "\(value)")
            #expect(try JSONValue(parsing: text, field: "test") == value)
        }
    }

    @Test func escapesWhatJSONRequiresAndNothingElse() {
        let value = JSONValue.object(["s": .string("a\"b\\c/d\u{1}\u{8}\u{c}\n\r\t\u{1f}\u{7f}\u{2028}é😀")])
        #expect(value.jsonText == #"{"s":"a\"b\\c/d\u0001\b\f\n\r\t\u001f\#u{7f}\#u{2028}é😀"}"#)
    }

    @Test func numbersAsJSONEncoderWritesThem() {
        let numbers: [Double] = [1, 1.5, -0.0, 100, 1e16, 1e20, 1e21, 1e-7, 0.1, 1.0 / 3.0, 12_345_678.9, .greatestFiniteMagnitude]
        #expect(JSONValue.array(numbers.map(JSONValue.number)).jsonText
                == "[1,1.5,-0,100,1e+16,1e+20,1e+21,1e-07,0.1,0.3333333333333333,12345678.9,1.7976931348623157e+308]")
        #expect(JSONValue.array([.number(.infinity), .number(.nan)]).jsonText == "[null,null]")
    }

    @Test func keysSortedByCodePoint() {
        let value = JSONValue.object(["a10": .null, "a9": .null, "B": .null, "a": .null, "é": .null, "_": .null, "Z": .null])
        #expect(value.jsonText == #"{"B":null,"Z":null,"_":null,"a":null,"a10":null,"a9":null,"é":null}"#)
    }

    static let alphabet: [String] = ["a", "b", "Z", "0", "9", " ", "/", "\"", "\\", "\n", "\t", "\u{0}", "\u{1f}", "\u{7f}", "é", "ß", "日", "😀", "\u{2028}", "_", "-"]

    static func randomString(_ random: inout SplitMix64) -> String {
        (0..<Int(random.next() % 8)).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }.joined()
    }

    static func randomValue(_ random: inout SplitMix64, depth: Int) -> JSONValue {
        switch random.next() % (depth < 3 ? 7 : 5) {
        case 0: return .null
        case 1: return .bool(random.next() % 2 == 0)
        case 2:
            let integer = Double(Int64(bitPattern: random.next()) % 1_000_000)
            let scale = [1.0, 0.001, 1e-9, 1e12, 1e300][Int(random.next() % 5)]
            return .number(random.next() % 2 == 0 ? integer : integer * scale / 7)
        case 3, 4: return .string(randomString(&random))
        case 5: return .array((0..<Int(random.next() % 4)).map { _ in randomValue(&random, depth: depth + 1) })
        default:
            var fields: [String: JSONValue] = [:]
            for _ in 0..<Int(random.next() % 5) { fields[randomString(&random)] = randomValue(&random, depth: depth + 1) }
            return .object(fields)
        }
    }
}
