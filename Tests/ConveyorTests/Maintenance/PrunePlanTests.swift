@testable import Conveyor
import Foundation
import Testing

@Suite("Maintenance: what a pruning pass deletes")
struct PrunePlanTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func eachFinalStateIsCutAtItsOwnAge() {
        let plan = PrunePlan(Retention(completed: .seconds(60), failed: .seconds(3_600), keepLast: 5, batchSize: 100), now: now)
        #expect(plan.ageCuts == [
            .init(state: .completed, finishedBefore: now.addingTimeInterval(-60)),
            .init(state: .discarded, finishedBefore: now.addingTimeInterval(-3_600)),
            .init(state: .cancelled, finishedBefore: now.addingTimeInterval(-3_600)),
        ])
        #expect(plan.keepLast == 5)
        #expect(plan.batchSize == 100)
        #expect(plan.nodesHeardBefore == now.addingTimeInterval(-86_400))
        #expect(plan.batchesEndedBefore == now.addingTimeInterval(-60), "ended batches go with completed jobs of their age")
    }

    @Test func aStateWithoutAnAgeIsKept() {
        let plan = PrunePlan(Retention(completed: nil, failed: .seconds(10)), now: now)
        #expect(plan.ageCuts.map(\.state) == [.discarded, .cancelled])
        #expect(plan.keepLast == nil)
        #expect(plan.batchesEndedBefore == nil)
    }

    @Test func anAgeReachingBeforeTheFirstStorableInstantCutsThere() {
        let early = Date(timeIntervalSince1970: 100)
        let plan = PrunePlan(Retention(completed: .seconds(315_360_000), failed: nil), now: early)
        #expect(plan.ageCuts == [.init(state: .completed, finishedBefore: Date(timeIntervalSince1970: 0))])
    }
}
