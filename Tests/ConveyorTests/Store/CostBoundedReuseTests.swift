@testable import Conveyor
import Testing

@Suite struct CostBoundedReuseTests {
    let start = Duration.seconds(1_000)

    private func reused(_ decision: CostBoundedReuse<Int>.Decision) -> Int? {
        if case .reuse(let value) = decision { value } else { nil }
    }

    @Test func aResultIsReusedForTwentyTimesWhatItCost() {
        var reuse = CostBoundedReuse<Int>()
        #expect(reused(reuse.decide(at: start)) == nil)
        reuse.read(7, startedAt: start, endedAt: start + .milliseconds(500))
        #expect(reused(reuse.decide(at: start + .milliseconds(9_999))) == 7)
        #expect(reused(reuse.decide(at: start + .seconds(10))) == nil)
    }

    @Test func aCheapReadIsHardlyReused() {
        var reuse = CostBoundedReuse<Int>()
        _ = reuse.decide(at: start)
        reuse.read(1, startedAt: start, endedAt: start + .microseconds(200))
        #expect(reused(reuse.decide(at: start + .milliseconds(3))) == 1)
        #expect(reused(reuse.decide(at: start + .milliseconds(5))) == nil)
    }

    @Test func whileOneCallerReadsAnewTheOthersGetTheLastResult() {
        var reuse = CostBoundedReuse<Int>()
        _ = reuse.decide(at: start)
        reuse.read(1, startedAt: start, endedAt: start + .milliseconds(10))
        let later = start + .seconds(1)
        #expect(reused(reuse.decide(at: later)) == nil)
        #expect(reused(reuse.decide(at: later + .milliseconds(1))) == 1)
        reuse.read(2, startedAt: later, endedAt: later + .milliseconds(10))
        #expect(reused(reuse.decide(at: later + .milliseconds(11))) == 2)
    }

    @Test func aFailedReadCountsAsARead() {
        var reuse = CostBoundedReuse<Int>()
        _ = reuse.decide(at: start)
        reuse.read(1, startedAt: start, endedAt: start + .milliseconds(10))
        let later = start + .seconds(1)
        #expect(reused(reuse.decide(at: later)) == nil)
        reuse.readFailed(startedAt: later, endedAt: later + .seconds(2))
        #expect(reused(reuse.decide(at: later + .seconds(39))) == 1)
        #expect(reused(reuse.decide(at: later + .seconds(40))) == nil)
    }

    @Test func withNothingReadAFailedReadIsTriedAgainAtOnce() {
        var reuse = CostBoundedReuse<Int>()
        #expect(reused(reuse.decide(at: start)) == nil)
        reuse.readFailed(startedAt: start, endedAt: start + .seconds(2))
        #expect(reused(reuse.decide(at: start + .seconds(2))) == nil)
    }

    @Test func withNothingReadYetEveryCallerReads() {
        var reuse = CostBoundedReuse<Int>()
        #expect(reused(reuse.decide(at: start)) == nil)
        #expect(reused(reuse.decide(at: start)) == nil)
    }
}
