import Conveyor

/// A queue's retention on the command line: rules `STATE=RULE`, where STATE is completed,
/// discarded or cancelled and RULE is `last:N`, `age:DURATION`, both joined by `+`
/// (`last:500+age:7d`), or `all` to keep every job of the state.
enum RetentionArgument {
    static let syntax = "STATE=RULE, as in completed=last:100, discarded=last:500+age:7d or cancelled=all"

    static func parse(_ rules: [String], field: String) throws(ConveyorError) -> QueueRetention {
        var retention = QueueRetention()
        for text in rules {
            let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw ConveyorError(.invalidInput, field: field, "'\(text)' is not \(syntax)") }
            let rule = try parseRule(parts[1], field: field)
            switch parts[0] {
            case "completed": retention.completed = rule
            case "discarded": retention.discarded = rule
            case "cancelled": retention.cancelled = rule
            default: throw ConveyorError(.invalidInput, field: field, "'\(parts[0])' is not a final state; use completed, discarded or cancelled")
            }
        }
        do {
            try retention.validate()
        } catch {
            throw ConveyorError(.invalidInput, field: field, "\(error.field ?? ""): \(error.message)")
        }
        return retention
    }

    private static func parseRule(_ text: String, field: String) throws(ConveyorError) -> QueueRetention.Rule {
        if text == "all" { return .keepAll }
        var rule = QueueRetention.Rule()
        for part in text.split(separator: "+", omittingEmptySubsequences: false) {
            if part.hasPrefix("last:"), let count = Int(part.dropFirst(5)) {
                rule.keepLast = count
            } else if part.hasPrefix("age:") {
                rule.maxAge = try DurationArgument.parse(String(part.dropFirst(4)), field: field)
            } else {
                throw ConveyorError(.invalidInput, field: field, "'\(text)' is not a rule; use last:N, age:DURATION, both joined by +, or all")
            }
        }
        return rule
    }

    /// The rules as `parse` reads them, or `-` for none.
    static func describe(_ retention: QueueRetention?) -> String {
        guard let retention, !retention.isEmpty else { return "-" }
        let rules = [("completed", retention.completed), ("discarded", retention.discarded), ("cancelled", retention.cancelled)]
        return rules.compactMap { state, rule in
            guard let rule else { return nil }
            let parts = [rule.keepLast.map { "last:\($0)" }, rule.maxAge.map { "age:\(DurationArgument.format($0))" }].compactMap { $0 }
            return "\(state)=\(parts.isEmpty ? "all" : parts.joined(separator: "+"))"
        }.joined(separator: " ")
    }
}
