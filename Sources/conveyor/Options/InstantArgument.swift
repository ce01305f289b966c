import Conveyor
import Foundation

/// A point in time on the command line: ISO 8601 with `Z` or an offset, or a wall-clock
/// time without one (`2026-03-08T00:00`, `2026-03-08`) read in a given zone.
enum InstantArgument {
    static func parse(_ text: String, in zone: TimeZone, field: String) throws(ConveyorError) -> Date {
        if let date = RFC3339.date(text) { return try InstantRange.check(date, field: field) }
        let invalid = ConveyorError(.invalidInput, field: field,
                                    "'\(text)' is not a time such as 2026-03-08T07:00:00Z, 2026-03-08T02:30:00-05:00 or 2026-03-08T02:30 (in --tz)")
        let parts = text.split(separator: "T", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count) else { throw invalid }
        let date = parts[0].split(separator: "-").map { Int($0) }
        let time = parts.count == 2 ? parts[1].split(separator: ":").map { Int($0) } : [0, 0]
        guard date.count == 3, (2...3).contains(time.count), let year = date[0], let month = date[1], let day = date[2],
              let hour = time[0], let minute = time[1] else { throw invalid }
        var components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute,
                                        second: time.count == 3 ? (time[2] ?? -1) : 0)
        components.timeZone = zone
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        guard components.isValidDate(in: calendar), let instant = calendar.date(from: components) else { throw invalid }
        return try InstantRange.check(instant, field: field)
    }
}
