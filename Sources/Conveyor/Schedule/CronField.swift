/// One of the five fields of a cron expression: its name in messages, its range, and the
/// names it accepts (`jan`…`dec`, `sun`…`sat`), parsed into a set of values as a bit mask.
struct CronField: Sendable {
    let name: String
    let range: ClosedRange<Int>
    /// Names for the values from `range.lowerBound` on, compared without case.
    let names: [String]

    static let minute = CronField(name: "minute", range: 0...59, names: [])
    static let hour = CronField(name: "hour", range: 0...23, names: [])
    static let dayOfMonth = CronField(name: "day-of-month", range: 1...31, names: [])
    static let month = CronField(name: "month", range: 1...12,
                                 names: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])
    /// 0 and 7 are both Sunday.
    static let dayOfWeek = CronField(name: "day-of-week", range: 0...7, names: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"])

    /// The values a field's text selects, as in Vixie cron: a comma-separated list of `*`,
    /// `N`, `N-M`, `*/S` or `N-M/S` (a step needs `*` or a range). Stricter than Vixie cron
    /// where it would silently accept nonsense: a backwards range or a step of 0 is refused.
    func parse(_ text: Substring) throws(ConveyorError) -> UInt64 {
        var bits: UInt64 = 0
        for element in text.split(separator: ",", omittingEmptySubsequences: false) {
            bits |= try parseElement(element, in: text)
        }
        return bits
    }

    private func parseElement(_ element: Substring, in text: Substring) throws(ConveyorError) -> UInt64 {
        guard !element.isEmpty else { throw problem("'\(text)' has an empty list element") }
        let parts = element.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let base = parts[0]
        var step = 1
        if parts.count == 2 {
            guard let value = Int(parts[1]), parts[1].allSatisfy(\.isASCIIDigit) else {
                throw problem("'\(parts[1])' in '\(element)' is not a step (a whole number)")
            }
            guard value >= 1 else { throw problem("the step in '\(element)' must be at least 1") }
            step = value
        }
        let low: Int, high: Int
        if base == "*" {
            (low, high) = (range.lowerBound, range.upperBound)
        } else if let dash = base.firstIndex(of: "-") {
            low = try value(base[..<dash], in: element)
            high = try value(base[base.index(after: dash)...], in: element)
            guard low <= high else { throw problem("the range '\(base)' runs backwards") }
        } else {
            guard parts.count == 1 else {
                throw problem("'\(element)' steps from a single value; a step needs '*' or a range, as in '*/\(step)' or '\(base)-\(range.upperBound)/\(step)'")
            }
            low = try value(base, in: element)
            high = low
        }
        var bits: UInt64 = 0
        for value in stride(from: low, through: high, by: step) { bits |= 1 << UInt64(value) }
        return bits
    }

    private func value(_ token: Substring, in element: Substring) throws(ConveyorError) -> Int {
        if !token.isEmpty, token.allSatisfy(\.isASCIIDigit) {
            guard let number = Int(token), range.contains(number) else {
                throw problem("'\(token)' is out of range \(range.lowerBound)-\(range.upperBound)")
            }
            return number
        }
        if let index = names.firstIndex(of: token.lowercased()) { return range.lowerBound + index }
        if token.isEmpty { throw problem("'\(element)' is missing a value") }
        let accepted = names.isEmpty ? "" : " or a name (\(names.joined(separator: " ")))"
        throw problem("'\(token)' is not a number\(accepted)")
    }

    func problem(_ message: String) -> ConveyorError {
        ConveyorError(.invalidInput, field: "cron", "\(name) field: \(message)")
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
