import Conveyor
import ConveyorTesting
import Foundation
import Testing

@Suite("Maintenance: retention per queue and per final state")
struct QueueRetentionTests {
    /// Finishes `completed` jobs then `discarded` jobs of `queue` directly in the store.
    func finish(_ store: any JobStore, queue: String, completed: Int, discarded: Int, at now: Date) async throws {
        let total = completed + discarded
        _ = try await store.insert((0..<total).map { _ in JobInsert(kind: "k", queue: queue) }, now: now)
        var claimed: [Job] = []
        while claimed.count < total { claimed += try await store.claim(queue: queue, limit: 1_000, node: "n", now: now) }
        let error = JobErrorEntry(attempt: 1, at: now, message: "no")
        _ = try await store.acknowledge(claimed.enumerated().map { index, job in
            JobAck(JobAttempt(jobID: job.id, attempt: 1, node: "n"), index < completed ? .completed(result: nil) : .discard(error: error))
        }, now: now)
    }

    /// Counted from the rows (queue summaries may reuse a recent count of finished jobs).
    func count(_ store: any JobStore, _ queue: String, _ state: JobState) async throws -> Int {
        var count = 0
        var page = try await store.jobs(matching: JobFilter(states: [state], queues: [queue], limit: 1_000))
        while !page.isEmpty {
            count += page.count
            page = try await store.jobs(matching: JobFilter(states: [state], queues: [queue], beforeID: page.last?.id, limit: 1_000))
        }
        return count
    }

    /// Seed 003's "keep the last 100 completed and 500 failed" per queue, after 2,000 of each
    /// in two queues, set through one node and applied by another node's pruning pass, then
    /// changed while both run. A queue without rules keeps the node-wide retention (here:
    /// keep everything).
    @Test(arguments: StoreKind.allCases)
    func keepLastHundredCompletedAndFiveHundredDiscardedPerQueue(kind: StoreKind) async throws {
        let clock = ManualClock()
        let store = try await kind.make()
        let setter = try await makeConveyor(clock: clock, store: store)
        let pruner = try await makeConveyor(clock: clock, store: store) { $0.retention = Retention(completed: nil, failed: nil) }
        for queue in ["deals", "briefs"] {
            try await finish(store, queue: queue, completed: 2_000, discarded: 2_000, at: clock.now())
            try await setter.setRetention(QueueRetention(completed: .keepLast(100), discarded: .keepLast(500)), queue: queue)
        }
        try await finish(store, queue: "other", completed: 300, discarded: 300, at: clock.now())
        try await pruner.runMaintenance()

        for queue in ["deals", "briefs"] {
            #expect(try await count(store, queue, .completed) == 100)
            #expect(try await count(store, queue, .discarded) == 500)
            let kept = try await store.jobs(matching: JobFilter(states: [.completed], queues: [queue], limit: 200)).map(\.id)
            let newest = try await store.jobs(matching: JobFilter(states: [.completed], queues: [queue], limit: 1)).map(\.id)
            #expect(kept.count == 100 && kept.first == newest.first, "the newest are the ones kept")
        }
        #expect(try await count(store, "other", .completed) == 300)
        #expect(try await count(store, "other", .discarded) == 300)
        #expect(try await store.queueSummaries().first { $0.name == "deals" }?.retention?.completed == .keepLast(100))

        try await setter.setRetention(QueueRetention(completed: .keepLast(10)), queue: "deals")
        clock.advance(by: .seconds(1))
        try await pruner.runMaintenance()
        #expect(try await count(store, "deals", .completed) == 10)
        #expect(try await count(store, "deals", .discarded) == 500, "a state without a rule follows the node-wide retention")

        try await setter.setRetention(nil, queue: "briefs")
        #expect(try await store.queueSummaries().first { $0.name == "briefs" }?.retention == nil)
    }

    /// Seed 004: completed jobs of one queue go after 7 days while the node-wide retention
    /// keeps others for a day; the queue's age replaces the node-wide one for that state.
    @Test(arguments: StoreKind.allCases)
    func aQueuesAgeReplacesTheNodeWideAge(kind: StoreKind) async throws {
        let clock = ManualClock()
        let store = try await kind.make()
        let conveyor = try await makeConveyor(clock: clock, store: store) { $0.retention = Retention(completed: .seconds(86_400), failed: nil) }
        try await conveyor.setRetention(QueueRetention(completed: .maxAge(.seconds(7 * 86_400))), queue: "sources")
        try await finish(store, queue: "sources", completed: 5, discarded: 0, at: clock.now())
        try await finish(store, queue: "default", completed: 5, discarded: 0, at: clock.now())
        clock.advance(by: .seconds(2 * 86_400))
        try await conveyor.runMaintenance()
        #expect(try await count(store, "sources", .completed) == 5)
        #expect(try await count(store, "default", .completed) == 0)
        clock.advance(by: .seconds(6 * 86_400))
        try await conveyor.runMaintenance()
        #expect(try await count(store, "sources", .completed) == 0)
    }

    @Test func badRetentionIsRefusedAndNothingIsStored() async throws {
        let store = try await StoreKind.sqlite.make()
        let conveyor = try await makeConveyor(store: store)
        await #expect(throws: ConveyorError.self) { try await conveyor.setRetention(QueueRetention(completed: .keepLast(-5)), queue: "deals") }
        await #expect(throws: ConveyorError.self) { try await conveyor.setRetention(QueueRetention(completed: .keepLast(5)), queue: "no spaces") }
        #expect(try await store.queueSummaries().isEmpty)
    }
}
