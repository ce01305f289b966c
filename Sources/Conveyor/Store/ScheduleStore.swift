package import Foundation

/// Stores schedules beside the jobs they insert.
///
/// Firing is race-free across nodes: ``fireSchedule(_:now:)`` moves `nextRunAt` only if it
/// still holds the time the caller read, in the same transaction that inserts the job, and
/// the job's unique key is the schedule and the fire time.
package protocol ScheduleStore: Sendable {
    /// Stores a new schedule. Throws `conflict` if the name is taken.
    func createSchedule(_ definition: ScheduleDefinition, active: Bool, nextRunAt: Date?, now: Date) async throws -> Schedule
    /// Replaces a schedule's definition and next run, keeping its history and active flag.
    /// Throws `notFound` if there is none by that name.
    func updateSchedule(_ definition: ScheduleDefinition, nextRunAt: Date?, now: Date) async throws -> Schedule
    func schedule(named name: String) async throws -> Schedule?
    /// The schedules `filter` selects, by name.
    func schedules(matching filter: ScheduleFilter) async throws -> [Schedule]
    /// Throws `notFound` if there is none by that name.
    func deleteSchedule(named name: String) async throws
    /// Activates (with the given next run) or deactivates (with a reason, or none when a
    /// person did it). Throws `notFound` if there is none by that name.
    func setScheduleActive(_ active: Bool, name: String, nextRunAt: Date?, reason: String?, now: Date) async throws -> Schedule
    /// Active schedules whose next run is at or before `now`.
    func dueSchedules(now: Date) async throws -> [Schedule]
    /// Carries out one fire decided by the scheduler, atomically; see ``ScheduleFire``.
    func fireSchedule(_ fire: ScheduleFire, now: Date) async throws -> ScheduleFireResult
}

/// One fire, as the scheduler decided it.
package struct ScheduleFire: Sendable {
    package var name: String
    /// The `nextRunAt` the scheduler read; the fire happens only if it still holds (nil:
    /// a trigger, which does not move the schedule).
    package var expectedNextRunAt: Date?
    /// What `nextRunAt` becomes.
    package var nextRunAt: Date?
    /// The fire time the job is for.
    package var fireAt: Date
    /// The job to insert, with its unique key; nil records a missed fire instead.
    package var job: JobInsert?
    /// Skip (and count) instead of inserting while the last run's job is unfinished.
    package var skipWhileRunning: Bool

    package init(name: String, expectedNextRunAt: Date?, nextRunAt: Date?, fireAt: Date, job: JobInsert?, skipWhileRunning: Bool) {
        self.name = name
        self.expectedNextRunAt = expectedNextRunAt
        self.nextRunAt = nextRunAt
        self.fireAt = fireAt
        self.job = job
        self.skipWhileRunning = skipWhileRunning
    }
}

/// What a fire did.
public enum ScheduleFireResult: Sendable, Hashable {
    /// The job was inserted (or already was, by this fire's key).
    case fired(Job)
    /// The previous run was still going; counted as skipped.
    case skipped
    /// Recorded as missed (later than the grace).
    case missed
    /// Another node fired it first, or the schedule changed or went inactive meanwhile.
    case lost
}
