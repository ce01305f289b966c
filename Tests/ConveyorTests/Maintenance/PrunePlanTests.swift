@testable import Conveyor
import Foundation
import Testing

@Suite("Maintenance: what a pruning pass deletes")
struct PrunePlanTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func eachFinalStateIsCutAtItsOwnAge() {
        let plan = PrunePlan(Retention(completed: .seconds(60), failed: .seconds(3_600), keepLast: 5, batchSize: 100), now: now)
        #expect(plan.ageCuts == [
            .init(state: .completed, finishedBefore: now.addingTimeInterval(-60), queues: .allExcept([])),
            .init(state: .discarded, finishedBefore: now.addingTimeInterval(-3_600), queues: .allExcept([])),
            .init(state: .cancelled, finishedBefore: now.addingTimeInterval(-3_600), queues: .allExcept([])),
        ])
        #expect(plan.countCuts == [JobState.completed, .discarded, .cancelled].map { .init(state: $0, keep: 5, queues: .allExcept([])) })
        #expect(plan.batchSize == 100)
        #expect(plan.nodesHeardBefore == now.addingTimeInterval(-86_400))
        #expect(plan.batchesEndedBefore == now.addingTimeInterval(-60), "ended batches go with completed jobs of their age")
    }

    @Test func aStateWithoutAnAgeIsKept() {
        let plan = PrunePlan(Retention(completed: nil, failed: .seconds(10)), now: now)
        #expect(plan.ageCuts.map(\.state) == [.discarded, .cancelled])
        #expect(plan.countCuts.isEmpty)
        #expect(plan.batchesEndedBefore == nil)
    }

    @Test func anAgeReachingBeforeTheFirstStorableInstantCutsThere() {
        let early = Date(timeIntervalSince1970: 100)
        let plan = PrunePlan(Retention(completed: .seconds(315_360_000), failed: nil), now: early)
        #expect(plan.ageCuts == [.init(state: .completed, finishedBefore: Date(timeIntervalSince1970: 0), queues: .allExcept([]))])
    }

    /// Seed 003: keep the last 100 completed and 500 discarded in "deals"; seed 004: delete
    /// completed "sources" jobs after 7 days. A queue's rule replaces the node-wide one for
    /// its state only; other states and queues keep the node-wide retention.
    @Test func aQueuesOwnRuleReplacesTheNodeWideOneForItsState() {
        let queues = [
            "deals": QueueRetention(completed: .keepLast(100), discarded: .keepLast(500)),
            "sources": QueueRetention(completed: .maxAge(.seconds(7 * 86_400))),
            "audit": QueueRetention(completed: .keepAll),
        ]
        let plan = PrunePlan(Retention(completed: .seconds(86_400), failed: .seconds(3_600)), queues: queues, now: now)
        #expect(plan.ageCuts == [
            .init(state: .completed, finishedBefore: now.addingTimeInterval(-86_400), queues: .allExcept(["audit", "deals", "sources"])),
            .init(state: .completed, finishedBefore: now.addingTimeInterval(-7 * 86_400), queues: .only("sources")),
            .init(state: .discarded, finishedBefore: now.addingTimeInterval(-3_600), queues: .allExcept(["deals"])),
            .init(state: .cancelled, finishedBefore: now.addingTimeInterval(-3_600), queues: .allExcept([])),
        ])
        #expect(plan.countCuts == [
            .init(state: .completed, keep: 100, queues: .only("deals")),
            .init(state: .discarded, keep: 500, queues: .only("deals")),
        ])
        #expect(QueueSelection.allExcept(["deals"]).contains("other") && !QueueSelection.allExcept(["deals"]).contains("deals"))
    }

    @Test func badRulesAreRefusedNamingTheField() {
        #expect(throws: ConveyorError.self) { try QueueRetention(completed: .keepLast(-1)).validate() }
        do {
            try QueueRetention(discarded: .maxAge(.milliseconds(10))).validate()
            Issue.record("a 10 ms age was taken")
        } catch {
            #expect(error.field == "discarded.max_age_seconds")
        }
    }
}
