package import Foundation

/// A schedule's row as a fire finds it, read and locked in the fire's transaction.
package struct LockedSchedule: Sendable {
    package var active: Bool
    package var nextRunAt: Date?
    /// The state of its last run's job, if it had one and the job is still stored.
    package var lastJobState: JobState?

    package init(active: Bool, nextRunAt: Date?, lastJobState: JobState?) {
        self.active = active
        self.nextRunAt = nextRunAt
        self.lastJobState = lastJobState
    }
}

/// What a store does with a ``ScheduleFire`` once it holds the schedule's row: the one rule
/// for fire, skip, miss and lost, which both stores carry out in the same transaction.
package struct FireDecision {
    package enum Action {
        /// Another node fired first, or the schedule changed, went inactive or was deleted.
        case lost
        /// Record the fire without a job: `missed` (later than the grace) or `skipped` (the
        /// last run's job is unfinished).
        case record(ScheduleRunStatus)
        /// Insert the job and record the run.
        case insert(JobInsert)
    }

    package var action: Action
    /// What the schedule's `nextRunAt` becomes.
    package var nextRunAt: Date?

    /// A regular fire happens only if no other node moved the schedule since the scheduler
    /// read it (compared at the microsecond both stores keep); a trigger does not move it.
    package init(_ fire: ScheduleFire, locked: LockedSchedule?) {
        guard let locked else {
            (action, nextRunAt) = (.lost, nil)
            return
        }
        if let expected = fire.expectedNextRunAt {
            let same = locked.nextRunAt.map { Self.micros($0) == Self.micros(expected) } ?? false
            guard locked.active, same else {
                (action, nextRunAt) = (.lost, nil)
                return
            }
            nextRunAt = fire.nextRunAt
        } else {
            nextRunAt = locked.nextRunAt
        }
        if let job = fire.job {
            let lastRunGoesOn = locked.lastJobState.map { !$0.isFinal } ?? false
            action = fire.skipWhileRunning && lastRunGoesOn ? .record(.skipped) : .insert(job)
        } else {
            action = .record(.missed)
        }
    }

    /// What the fire did, once carried out (`inserted`: the job an insert stored).
    package func result(inserted: Job? = nil) -> ScheduleFireResult {
        switch action {
        case .lost: .lost
        case .record(.missed): .missed
        case .record: .skipped
        case .insert: inserted.map(ScheduleFireResult.fired) ?? .lost
        }
    }

    private static func micros(_ date: Date) -> Int64 { InstantRange.microseconds(date, since: InstantRange.earliest) }
}
