/// The one character no store can hold: PostgreSQL's `text` and `jsonb` refuse U+0000 (NUL),
/// which SQLite would keep. Both stores must take and refuse the same values, so text from a
/// caller is checked for it where it enters, and text the runtime writes itself (error and
/// progress messages, which quote whatever a worker threw) has it replaced.
enum StoredText {
    static let refusal = "must not contain the character U+0000 (NUL), which PostgreSQL cannot store"

    static func check(_ text: String, field: String) throws(ConveyorError) {
        if text.utf8.contains(0) { throw .invalid(field, refusal) }
    }

    /// JSON text holds a NUL only as the escape `\u0000`.
    static func check(_ json: RawJSON, field: String) throws(ConveyorError) {
        if containsNULEscape(json.text) { throw .invalid(field, refusal) }
    }

    /// `text` with every NUL replaced by U+FFFD.
    static func repaired(_ text: String) -> String {
        guard text.utf8.contains(0) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.map { $0 == "\0" ? "\u{FFFD}" : $0 }))
    }

    /// Whether JSON text has a `\u0000` escape: walked escape by escape, since `\\u0000` is an
    /// escaped backslash followed by plain letters.
    static func containsNULEscape(_ text: String) -> Bool {
        var bytes = text.utf8.makeIterator()
        while let byte = bytes.next() {
            guard byte == UInt8(ascii: "\\") else { continue }
            guard bytes.next() == UInt8(ascii: "u") else { continue }
            var digits: [UInt8] = []
            for _ in 0..<4 { if let digit = bytes.next() { digits.append(digit) } }
            if digits == Array("0000".utf8) { return true }
        }
        return false
    }
}
