@testable import Conveyor
import Foundation
import Testing

@Suite struct LimitedClaimTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// Runs a claim to its end, answering the count step with `executing` and `started` and the
    /// claim step with `available` jobs at most; returns the steps it asked for.
    private func steps(_ limits: QueueLimits, paused: Bool = false, requested: Int = 10,
                       executing: Int = 0, started: Int = 0, available: Int = 100) -> [LimitedClaim.Step] {
        var claim = LimitedClaim(limits: limits, paused: paused, requested: requested, now: now)
        var steps: [LimitedClaim.Step] = []
        while steps.count < 10 {
            let step = claim.next()
            steps.append(step)
            switch step {
            case .count: claim.counted(executing: executing, started: started)
            case .claim(let limit): claim.claimed(min(limit, available))
            case .done: return steps
            default: break
            }
        }
        return steps
    }

    @Test func aPausedQueueClaimsNothingAndReadsNothing() {
        #expect(steps(QueueLimits(concurrency: 3), paused: true) == [.done])
        #expect(steps(QueueLimits(rate: RateLimit(count: 5, period: .seconds(1))), paused: true) == [.done])
    }

    @Test func concurrencyAloneCountsThenClaimsWhatIsLeftAndRecordsNoStarts() {
        #expect(steps(QueueLimits(concurrency: 3), executing: 1) == [.count(startedSince: nil), .claim(limit: 2), .done])
        #expect(steps(QueueLimits(concurrency: 3), requested: 1, executing: 0) == [.count(startedSince: nil), .claim(limit: 1), .done])
    }

    @Test func aFullQueueDoesNotClaim() {
        #expect(steps(QueueLimits(concurrency: 3), executing: 3) == [.count(startedSince: nil), .done])
        #expect(steps(QueueLimits(concurrency: 3), executing: 5) == [.count(startedSince: nil), .done])
    }

    @Test func aRateForgetsOldStartsCountsTheWindowClaimsAndRecordsWhatStarted() {
        let limits = QueueLimits(rate: RateLimit(count: 5, period: .seconds(60)))
        let windowStart = now.addingTimeInterval(-60)
        #expect(steps(limits, started: 2, available: 2) == [
            .forgetStarts(before: windowStart), .count(startedSince: windowStart), .claim(limit: 3),
            .recordStarts(count: 2, at: now), .done,
        ])
    }

    @Test func aRateWithNothingToClaimRecordsNoStart() {
        let limits = QueueLimits(rate: RateLimit(count: 5, period: .seconds(60)))
        let windowStart = now.addingTimeInterval(-60)
        #expect(steps(limits, available: 0) == [.forgetStarts(before: windowStart), .count(startedSince: windowStart), .claim(limit: 5), .done])
        #expect(steps(limits, started: 5) == [.forgetStarts(before: windowStart), .count(startedSince: windowStart), .done])
    }

    @Test func bothLimitsAllowTheSmallerShare() {
        let limits = QueueLimits(concurrency: 4, rate: RateLimit(count: 10, period: .seconds(1)))
        #expect(steps(limits, executing: 1, started: 8).contains(.claim(limit: 2)))
        #expect(steps(limits, executing: 3, started: 0).contains(.claim(limit: 1)))
    }

    @Test func startsCountOnlyWithARateWindow() {
        #expect(steps(QueueLimits(concurrency: 3), started: 3).contains(.claim(limit: 3)))
    }

    @Test func afterDoneItStaysDone() {
        var claim = LimitedClaim(limits: QueueLimits(concurrency: 1), paused: false, requested: 0, now: now)
        #expect(claim.next() == .done)
        #expect(claim.next() == .done)
    }
}
