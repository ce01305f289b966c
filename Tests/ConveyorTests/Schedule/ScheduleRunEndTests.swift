@testable import Conveyor
import Foundation
import Testing

@Suite("Scheduler: what a run's end changes, decided once for both stores")
struct ScheduleRunEndTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let next = Date(timeIntervalSince1970: 1_800_000_060)

    func record(lastJobID: Int64? = 7, failures: Int = 0, maxFailures: Int? = 3) -> ScheduleRunRecord {
        ScheduleRunRecord(active: true, nextRunAt: next, disabledReason: nil, lastJobID: lastJobID, lastStatus: .enqueued,
                          consecutiveFailures: failures, maxFailures: maxFailures, lastError: nil, lastErrorAt: nil)
    }

    @Test func theLatestRunSetsTheStatusAnOlderOneOnlyCounts() {
        let latest = ScheduleRunEnd.apply(jobID: 7, status: .failed, error: "boom", at: now, to: record())
        #expect(latest.lastStatus == .failed)
        #expect(latest.consecutiveFailures == 1)
        #expect(latest.lastError == "boom")
        #expect(latest.lastErrorAt == now)
        let older = ScheduleRunEnd.apply(jobID: 6, status: .failed, error: "old", at: now, to: record())
        #expect(older.lastStatus == .enqueued, "an older run ending late does not overwrite the latest run's status")
        #expect(older.consecutiveFailures == 1)
    }

    @Test func aCompletedRunResetsTheCountAndACancelledOneLeavesIt() {
        #expect(ScheduleRunEnd.apply(jobID: 7, status: .completed, error: nil, at: now, to: record(failures: 2)).consecutiveFailures == 0)
        #expect(ScheduleRunEnd.apply(jobID: 7, status: .cancelled, error: "stop", at: now, to: record(failures: 2)).consecutiveFailures == 2)
    }

    @Test func reachingTheLimitDeactivatesWithTheLastError() {
        let ended = ScheduleRunEnd.apply(jobID: 7, status: .failed, error: "timeout", at: now, to: record(failures: 2))
        #expect(!ended.active)
        #expect(ended.nextRunAt == nil)
        #expect(ended.disabledReason == "deactivated after 3 failed runs in a row; last error: timeout")
        let unlimited = ScheduleRunEnd.apply(jobID: 7, status: .failed, error: "timeout", at: now, to: record(failures: 20, maxFailures: nil))
        #expect(unlimited.active)
    }
}
