@testable import Conveyor
import Foundation
import Testing

@Suite("Scheduler: fire, skip, miss or lost, decided once for both stores")
struct FireDecisionTests {
    let due = Date(timeIntervalSince1970: 1_800_000_000)
    let next = Date(timeIntervalSince1970: 1_800_000_060)

    func fire(job: Bool = true, trigger: Bool = false, skipWhileRunning: Bool = false) -> ScheduleFire {
        ScheduleFire(name: "report", expectedNextRunAt: trigger ? nil : due, nextRunAt: trigger ? nil : next, fireAt: due,
                     job: job ? .test() : nil, skipWhileRunning: skipWhileRunning)
    }

    @Test func aFireWhoseScheduleStillWaitsForItInsertsAndMovesOn() {
        let decision = FireDecision(fire(), locked: LockedSchedule(active: true, nextRunAt: due, lastJobState: .executing))
        guard case .insert = decision.action else { Issue.record("expected an insert, got \(decision.action)"); return }
        #expect(decision.nextRunAt == next)
    }

    @Test func aScheduleMovedOnByAnotherNodeOrDeactivatedIsLost() {
        let moved = FireDecision(fire(), locked: LockedSchedule(active: true, nextRunAt: next, lastJobState: nil))
        #expect(moved.result() == .lost)
        let inactive = FireDecision(fire(), locked: LockedSchedule(active: false, nextRunAt: due, lastJobState: nil))
        #expect(inactive.result() == .lost)
        #expect(FireDecision(fire(), locked: nil).result() == .lost, "deleted meanwhile")
        let unscheduled = FireDecision(fire(), locked: LockedSchedule(active: true, nextRunAt: nil, lastJobState: nil))
        #expect(unscheduled.result() == .lost)
    }

    @Test func theStoredTimeMatchesAtTheMicrosecondTheStoresKeep() {
        let stored = Date(timeIntervalSince1970: 1_800_000_000.000_000_2)
        let decision = FireDecision(fire(), locked: LockedSchedule(active: true, nextRunAt: stored, lastJobState: nil))
        guard case .insert = decision.action else { Issue.record("a sub-microsecond difference lost the fire"); return }
    }

    @Test func aFireWithoutAJobIsRecordedAsMissed() {
        let decision = FireDecision(fire(job: false), locked: LockedSchedule(active: true, nextRunAt: due, lastJobState: nil))
        guard case .record(.missed) = decision.action else { Issue.record("got \(decision.action)"); return }
        #expect(decision.result() == .missed)
        #expect(decision.nextRunAt == next)
    }

    @Test func skipWhileRunningSkipsOnlyWhileTheLastRunIsUnfinished() {
        for (state, skips) in [(JobState.executing, true), (.retryable, true), (.scheduled, true), (.completed, false), (.discarded, false)] {
            let decision = FireDecision(fire(skipWhileRunning: true), locked: LockedSchedule(active: true, nextRunAt: due, lastJobState: state))
            #expect((decision.result() == .skipped) == skips, "last run \(state)")
        }
        let gone = FireDecision(fire(skipWhileRunning: true), locked: LockedSchedule(active: true, nextRunAt: due, lastJobState: nil))
        guard case .insert = gone.action else { Issue.record("a pruned last run must not block the schedule"); return }
    }

    @Test func aTriggerFiresEvenWhenInactiveAndLeavesTheNextRunAlone() {
        let decision = FireDecision(fire(trigger: true), locked: LockedSchedule(active: false, nextRunAt: next, lastJobState: nil))
        guard case .insert = decision.action else { Issue.record("got \(decision.action)"); return }
        #expect(decision.nextRunAt == next)
    }
}
