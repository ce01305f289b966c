import ArgumentParser
import Conveyor

/// A duration on the command line: `500ms`, `30s`, `5m`, `2h`, `1d`, or plain seconds.
struct DurationArgument: ExpressibleByArgument {
    let duration: Duration

    init?(argument: String) {
        guard let duration = try? Self.parse(argument, field: "duration") else { return nil }
        self.duration = duration
    }

    static func parse(_ text: String, field: String) throws(ConveyorError) -> Duration {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3_600), ("d", 86_400)]
        var number = Substring(text)
        var scale = 1.0
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            number = text.dropLast(suffix.count)
            scale = factor
            break
        }
        guard let value = Double(number), value.isFinite else {
            throw ConveyorError(.invalidInput, field: field, "'\(text)' is not a duration; use 500ms, 30s, 5m, 2h or 1d")
        }
        guard value >= 0 else { throw ConveyorError(.invalidInput, field: field, "must not be negative, got \(text)") }
        return try .seconds(checked: value * scale, field: field)
    }

    /// The shortest exact spelling `parse` reads back: `250ms`, `30s`, `5m`, `2h`, `1d`.
    static func format(_ duration: Duration) -> String {
        let millis = duration.components.seconds * 1_000 + duration.components.attoseconds / 1_000_000_000_000_000
        for (suffix, factor) in [("d", Int64(86_400_000)), ("h", 3_600_000), ("m", 60_000), ("s", 1_000)] where millis % factor == 0 && millis > 0 {
            return "\(millis / factor)\(suffix)"
        }
        return "\(millis)ms"
    }
}
