extension JSONValue {
    /// Whether this value contains `other`, by the rule of PostgreSQL's `jsonb @>`, so that
    /// every store answers an args filter the same: an object contains an object whose every
    /// key it has with a value containing that key's; an array contains an array whose every
    /// element is contained by one of its own; other values contain only an equal value
    /// (numbers by value).
    package func contains(_ other: JSONValue) -> Bool {
        switch (self, other) {
        case (.object(let mine), .object(let theirs)):
            theirs.allSatisfy { key, value in mine[key]?.contains(value) ?? false }
        case (.array(let mine), .array(let theirs)):
            theirs.allSatisfy { element in mine.contains { $0.contains(element) } }
        default:
            self == other
        }
    }

    /// Whether a string anywhere in the value, key or text, holds a NUL: no stored job does.
    package var holdsNUL: Bool {
        switch self {
        case .string(let text): text.utf8.contains(0)
        case .array(let elements): elements.contains { $0.holdsNUL }
        case .object(let fields): fields.contains { $0.key.utf8.contains(0) || $0.value.holdsNUL }
        default: false
        }
    }
}
