import Conveyor
import Testing

/// The args filter's rule, PostgreSQL's `jsonb @>`, as the core writes it for the other stores.
struct JSONContainsTests {
    static let document = #"{"a": 1, "b": {"c": [1, 2, {"d": "x", "e": null}]}, "f": [[1, 2], 3], "g": true}"#
    static let cases: [(String, Bool)] = [
            (#"{}"#, true),
            (#"{"a": 1.0}"#, true),
            (#"{"a": "1"}"#, false),
            (#"{"b": {"c": [2]}}"#, true),
            (#"{"b": {"c": [{"d": "x"}]}}"#, true),
            (#"{"b": {"c": [{"e": null}, 1]}}"#, true),
            (#"{"b": {"c": [{"d": "y"}]}}"#, false),
            (#"{"b": {"c": 1}}"#, false),
            (#"{"f": [[2]]}"#, true),
            (#"{"f": [3, [1]]}"#, true),
            (#"{"f": [4]}"#, false),
            (#"{"g": true}"#, true),
            (#"{"g": 1}"#, false),
            (#"{"h": null}"#, false),
    ]

    @Test func containmentFollowsPostgreSQL() throws {
        let document = try JSONValue(parsing: Self.document, field: "t")
        for (filter, expected) in Self.cases {
            #expect(document.contains(try JSONValue(parsing: filter, field: "t")) == expected, "\(filter)")
        }
    }
}
