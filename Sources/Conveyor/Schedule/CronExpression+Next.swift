public import Foundation

extension CronExpression {
    /// The first time after `date` at which the expression fires in `zone`, on a whole
    /// minute; nil if it never does (as `0 0 30 2 *`, which cron accepts).
    ///
    /// Daylight-saving changes, as Debian's cron handles them:
    /// - An expression that runs every hour or more often (its minute or hour field starts
    ///   with `*`) follows the wall clock: times the clock skips do not fire, and times it
    ///   shows twice fire twice.
    /// - Any other (fixed times, hourly or coarser): a time the clock skips fires right after
    ///   the change (`30 2 * * *` on a spring-forward night in New York fires at 03:00 EDT),
    ///   and a time the clock shows twice fires once, the first time.
    public func nextFire(after date: Date, in zone: TimeZone) -> Date? {
        let clock = WallClock(zone: zone)
        let after = Int64(date.timeIntervalSince1970.rounded(.down))
        // Around a change, a later wall time can be an earlier instant; no zone's change is 3 hours.
        let slack: Int64 = 3 * 3_600
        let earliest = clock.wallTime(at: after) - slack
        var best: (instant: Int64, wallTime: Int64)?
        var day = earliest.floorDivided(by: 86_400)
        // Rare dates recur within decades (29 February on a Sunday: 28 years, more across 2100).
        let lastDay = day + 366 * 50
        while day <= lastDay {
            if let best, day * 86_400 > best.wallTime + slack { break }
            let (_, month, dayOfMonth) = CivilDate.date(ofDay: day)
            if matches(month: month, day: dayOfMonth, weekday: CivilDate.weekday(ofDay: day)) {
                for hour in 0..<24 where hours & (1 << UInt64(hour)) != 0 {
                    for minute in 0..<60 where minutes & (1 << UInt64(minute)) != 0 {
                        let wallTime = day * 86_400 + Int64(hour * 3_600 + minute * 60)
                        if wallTime < earliest { continue }
                        if let best, wallTime > best.wallTime + slack { break }
                        if let instant = fireInstants(at: wallTime, clock).first(where: { $0 > after }),
                           best.map({ instant < $0.instant }) ?? true {
                            best = (instant, wallTime)
                        }
                    }
                }
            }
            day += 1
        }
        return best.map { Date(timeIntervalSince1970: Double($0.instant)) }
    }

    /// The next `count` fire times after `date` in `zone` (fewer if the expression stops firing).
    public func nextFires(after date: Date, in zone: TimeZone, count: Int) -> [Date] {
        Recurrence.fires(after: date, count: count) { nextFire(after: $0, in: zone) }
    }

    /// When a matching wall time fires, by the rules in ``nextFire(after:in:)``.
    private func fireInstants(at wallTime: Int64, _ clock: WallClock) -> [Int64] {
        switch clock.read(wallTime) {
        case .instants(let instants):
            return followsWallClock ? instants : Array(instants.prefix(1))
        case .skipped(let jump):
            // The jump instant itself, on a whole minute in every real zone; round up if not.
            return followsWallClock ? [] : [jump + (60 - jump.floorMod(60)) % 60]
        }
    }
}

extension Int64 {
    func floorMod(_ divisor: Int64) -> Int64 { self - floorDivided(by: divisor) * divisor }
}
