public import Foundation

/// When a schedule fires: the kinds a settings page offers (hourly at a minute, daily at a
/// time, …), a cron expression, a fixed interval, or only when triggered.
public enum Recurrence: Sendable, Hashable {
    /// Never on its own; only when triggered.
    case manual
    /// Every hour at `minute`.
    case hourly(minute: Int)
    /// Every day at `hour`:`minute`.
    case daily(hour: Int, minute: Int = 0)
    /// Every week on `weekday` (0 = Sunday … 6 = Saturday, as in cron) at `hour`:`minute`.
    case weekly(weekday: Int, hour: Int, minute: Int = 0)
    /// Every month on `day` (1–31; months without that day are skipped, as in cron) at `hour`:`minute`.
    case monthly(day: Int, hour: Int, minute: Int = 0)
    /// A five-field cron expression (see ``CronExpression``).
    case cron(String)
    /// Every `interval`, at whole multiples of it since 1970-01-01 UTC (every 5 minutes fires
    /// at :00, :05, …), whatever the time zone.
    case every(Duration)

    /// The cron expression equal to this recurrence, if it has one (not `manual` nor `every`).
    public var cronText: String? {
        switch self {
        case .manual, .every: nil
        case .hourly(let minute): "\(minute) * * * *"
        case .daily(let hour, let minute): "\(minute) \(hour) * * *"
        case .weekly(let weekday, let hour, let minute): "\(minute) \(hour) * * \(weekday)"
        case .monthly(let day, let hour, let minute): "\(minute) \(hour) \(day) * *"
        case .cron(let text): text
        }
    }

    /// Refuses values out of range and expressions that do not parse or never fire.
    ///
    /// - Throws: ``ConveyorError`` (`invalidInput`) naming the field, as `recurrence.hour`.
    public func validate() throws(ConveyorError) {
        func check(_ value: Int, _ range: ClosedRange<Int>, _ field: String) throws(ConveyorError) {
            guard range.contains(value) else {
                throw ConveyorError.invalid("recurrence.\(field)", "must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
            }
        }
        switch self {
        case .manual, .cron:
            break
        case .hourly(let minute):
            try check(minute, 0...59, "minute")
        case .daily(let hour, let minute):
            try check(hour, 0...23, "hour")
            try check(minute, 0...59, "minute")
        case .weekly(let weekday, let hour, let minute):
            try check(weekday, 0...6, "weekday")
            try check(hour, 0...23, "hour")
            try check(minute, 0...59, "minute")
        case .monthly(let day, let hour, let minute):
            try check(day, 1...31, "day")
            try check(hour, 0...23, "hour")
            try check(minute, 0...59, "minute")
        case .every(let interval):
            guard interval >= .seconds(1) else { throw ConveyorError.invalid("recurrence.every", "must be at least 1 second") }
        }
        if let cronText {
            let cron = try CronExpression(cronText)
            guard cron.nextFire(after: Date(timeIntervalSince1970: 1_767_225_600), in: TimeZone(identifier: "UTC")!) != nil else {
                throw ConveyorError.invalid("recurrence.cron", "'\(cronText)' never fires (no date matches it)")
            }
        }
    }

    /// The first fire after `date` in `zone`, or nil for ``manual``.
    public func nextFire(after date: Date, in zone: TimeZone) -> Date? {
        switch self {
        case .manual:
            return nil
        case .every(let interval):
            let seconds = max(1, interval.seconds)
            return Date(timeIntervalSince1970: ((date.timeIntervalSince1970 / seconds).rounded(.down) + 1) * seconds)
        default:
            return cronText.flatMap { try? CronExpression($0) }?.nextFire(after: date, in: zone)
        }
    }

    /// The next `count` fires after `date` in `zone` (fewer if it stops firing, none if manual).
    public func nextFires(after date: Date, in zone: TimeZone, count: Int) -> [Date] {
        Self.fires(after: date, count: count) { nextFire(after: $0, in: zone) }
    }

    /// Up to `count` successive results of `next`, each after the one before.
    static func fires(after date: Date, count: Int, _ next: (Date) -> Date?) -> [Date] {
        var fires: [Date] = []
        var cursor = date
        while fires.count < count, let fire = next(cursor) {
            fires.append(fire)
            cursor = fire
        }
        return fires
    }
}
