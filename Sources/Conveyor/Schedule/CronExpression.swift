public import Foundation

/// A five-field cron expression (`minute hour day-of-month month day-of-week`) with the
/// meaning Debian's cron (Vixie cron) gives it, evaluated in an IANA time zone.
///
/// Fields take lists (`1,15`), ranges (`9-17`), steps (`*/5`, `0-30/10`), month and weekday
/// names (`jan`, `mon-fri`) and `*`; day-of-week 0 and 7 are Sunday. The macros `@hourly`,
/// `@daily` (`@midnight`), `@weekly`, `@monthly` and `@yearly` (`@annually`) stand for their
/// five fields.
///
/// As in Vixie cron, when day-of-month and day-of-week are both restricted a day matches if
/// **either** does (`0 0 1 * mon`: the 1st and every Monday); when either field starts with
/// `*` (also `*/2`) a day must match **both**.
///
/// Daylight-saving changes (see ``nextFire(after:in:)``) follow Debian cron too: an
/// expression whose minute or hour field starts with `*` runs every hour or more often and
/// follows the wall clock; any other runs at fixed times, once per day at most per time.
///
/// ```swift
/// let cron = try CronExpression("30 2 * * *")
/// cron.nextFire(after: .now, in: TimeZone(identifier: "America/New_York")!)
/// ```
public struct CronExpression: Sendable, Hashable, CustomStringConvertible {
    /// The expression as it was written.
    public let source: String
    let minutes: UInt64
    let hours: UInt64
    let daysOfMonth: UInt64
    let months: UInt64
    /// Bits 0–6, Sunday = 0 (a 7 is folded into 0).
    let daysOfWeek: UInt64
    let dayOfMonthIsStar: Bool
    let dayOfWeekIsStar: Bool
    /// The minute or the hour field starts with `*`: Debian cron's "wildcard" jobs, which
    /// follow the wall clock across daylight-saving changes.
    let followsWallClock: Bool

    /// The expression as it was written.
    public var description: String { source }

    /// Parses `text`.
    ///
    /// - Throws: ``ConveyorError`` (`invalidInput`, field `cron`) whose message names the
    ///   field and the token at fault, as in `hour field: '24' is out of range 0-23`.
    public init(_ text: String) throws(ConveyorError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let fields: [Substring]
        if trimmed.hasPrefix("@") {
            guard let expansion = Self.macros[trimmed.lowercased()] else {
                let hint = trimmed.lowercased() == "@reboot" ? "@reboot runs at start-up, which schedules do not have; " : ""
                throw ConveyorError(.invalidInput, field: "cron",
                                    "'\(trimmed)' is not a macro (\(hint)use @hourly, @daily, @midnight, @weekly, @monthly, @yearly or @annually)")
            }
            fields = expansion.split(separator: " ")
        } else {
            fields = trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" })
        }
        guard fields.count == 5 else {
            throw ConveyorError(.invalidInput, field: "cron",
                                "'\(trimmed)' has \(fields.count) field\(fields.count == 1 ? "" : "s"); a cron expression has 5: minute hour day-of-month month day-of-week")
        }
        source = trimmed
        minutes = try CronField.minute.parse(fields[0])
        hours = try CronField.hour.parse(fields[1])
        daysOfMonth = try CronField.dayOfMonth.parse(fields[2])
        months = try CronField.month.parse(fields[3])
        let weekdays = try CronField.dayOfWeek.parse(fields[4])
        daysOfWeek = (weekdays | (weekdays >> 7)) & 0x7F
        dayOfMonthIsStar = fields[2].hasPrefix("*")
        dayOfWeekIsStar = fields[4].hasPrefix("*")
        followsWallClock = fields[0].hasPrefix("*") || fields[1].hasPrefix("*")
    }

    /// The IANA time zone named `identifier` (`America/New_York`, `Europe/London`, `UTC`).
    ///
    /// - Throws: ``ConveyorError`` (`invalidInput`, field `timezone`) if no zone has that name.
    public static func zone(named identifier: String) throws(ConveyorError) -> TimeZone {
        guard let zone = TimeZone(identifier: identifier) else {
            throw ConveyorError(.invalidInput, field: "timezone", "'\(identifier)' is not a time zone; use an IANA name such as America/New_York or UTC")
        }
        return zone
    }

    private static let macros = [
        "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0",
        "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
    ]

    /// Whether the expression selects this calendar day (month, and the day rule above).
    func matches(month: Int, day: Int, weekday: Int) -> Bool {
        guard months & (1 << UInt64(month)) != 0 else { return false }
        let dayMatches = daysOfMonth & (1 << UInt64(day)) != 0
        let weekdayMatches = daysOfWeek & (1 << UInt64(weekday)) != 0
        return dayOfMonthIsStar || dayOfWeekIsStar ? dayMatches && weekdayMatches : dayMatches || weekdayMatches
    }

    func matches(hour: Int, minute: Int) -> Bool {
        hours & (1 << UInt64(hour)) != 0 && minutes & (1 << UInt64(minute)) != 0
    }
}
