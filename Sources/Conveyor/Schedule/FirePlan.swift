import Foundation

/// What the scheduler does with a due schedule at a given time. Pure, so the misfire rules
/// are tested without a database or a clock.
///
/// The fire to act on is the latest one at or before `now`. If it is no older than the
/// misfire grace it runs; if every fire since `nextRunAt` is older (the nodes were down),
/// none runs and the first one is recorded as missed. Either way the schedule moves on to
/// its first fire after `now`, so a long outage produces at most one job.
struct FirePlan: Equatable {
    var fireAt: Date
    var runs: Bool
    var nextRunAt: Date?

    init?(for schedule: Schedule, now: Date) {
        guard let due = schedule.nextRunAt, due <= now else { return nil }
        let definition = schedule.definition
        let zone = definition.zone
        let graceStart = now.addingTimeInterval(-definition.misfireGrace.seconds)
        // The earliest fire within the grace, if any is at or before now.
        let firstInGrace = due >= graceStart ? due : definition.recurrence.nextFire(after: graceStart.addingTimeInterval(-1), in: zone)
        if let firstInGrace, firstInGrace <= now {
            var latest = firstInGrace
            while let next = definition.recurrence.nextFire(after: latest, in: zone), next <= now { latest = next }
            (fireAt, runs) = (latest, true)
        } else {
            (fireAt, runs) = (due, false)
        }
        nextRunAt = definition.recurrence.nextFire(after: now, in: zone)
    }
}

/// The unique key of a schedule's fire: one job per schedule and fire time, however many
/// nodes fire it and however often they restart.
enum ScheduleKey {
    static func fire(_ schedule: String, at date: Date) -> String {
        "schedule:\(schedule)@\(Int64(date.timeIntervalSince1970.rounded(.down)))"
    }

    /// A trigger's key: its own, so it never collides with a regular fire.
    static func trigger(_ schedule: String, at date: Date) -> String {
        "schedule:\(schedule)@trigger-\(Int64((date.timeIntervalSince1970 * 1_000).rounded(.down)))"
    }

    /// The schedule a job was fired by, read from its stored unique key (schedule names
    /// cannot contain `@`).
    static func schedule(ofStoredKey key: String?) -> String? {
        guard let key, key.hasPrefix(storedPrefix), let at = key.lastIndex(of: "@") else { return nil }
        return String(key[key.index(key.startIndex, offsetBy: storedPrefix.count)..<at])
    }

    /// How the stored unique key of a schedule's job begins.
    static let storedPrefix = "key|schedule:"
}
