import Foundation

/// A time zone's wall clock, with times as whole seconds since 1970: an instant, or a wall
/// time (the same count read off the local clock, as if the zone were UTC).
struct WallClock {
    let zone: TimeZone

    func offset(at instant: Int64) -> Int64 {
        Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(instant))))
    }

    func wallTime(at instant: Int64) -> Int64 { instant + offset(at: instant) }

    /// The instants at which the clock shows `wallTime`.
    enum Reading: Equatable {
        /// One instant, or two (earlier first) when the clock goes back over this time.
        case instants([Int64])
        /// None: the clock jumped forward over this time, at the given instant.
        case skipped(jumpAt: Int64)
    }

    func read(_ time: Int64) -> Reading {
        // A day either side is before and after any change near this time (changes are
        // months apart in every zone's rules).
        let before = offset(at: time - 86_400), after = offset(at: time + 86_400)
        let instants = Set([before, after]).map { time - $0 }.filter { wallTime(at: $0) == time }.sorted()
        if !instants.isEmpty || before >= after { return .instants(instants) }
        // Forward jump: the clock shows `before` up to the jump and `after` from it.
        var low = time - after, high = time - before
        while high - low > 1 {
            let middle = low + (high - low) / 2
            if offset(at: middle) == after { high = middle } else { low = middle }
        }
        return .skipped(jumpAt: high)
    }
}

/// Calendar arithmetic on days since 1970-01-01 (proleptic Gregorian), without Foundation's
/// calendar: the cron search tests many days.
enum CivilDate {
    static func date(ofDay days: Int64) -> (year: Int64, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), Int(month), Int(day))
    }

    /// 0 = Sunday (1970-01-01 was a Thursday).
    static func weekday(ofDay days: Int64) -> Int {
        Int(((days % 7) + 11) % 7)
    }
}

extension Int64 {
    /// Division rounding toward negative infinity.
    func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
