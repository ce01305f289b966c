import Conveyor
import Foundation
import Synchronization
import Testing

@Suite("Store: claim")
struct StoreClaimTests {
    @Test(arguments: StoreKind.allCases)
    func claimsByPriorityThenScheduledTimeThenID(kind: StoreKind) async throws {
        let store = try await kind.make()
        let low = try await store.insert([.test(priority: 5)], now: epoch)[0].job
        let highLate = try await store.insert([.test(priority: 1)], now: epoch.addingTimeInterval(2))[0].job
        let highEarly = try await store.insert([.test(priority: 1)], now: epoch.addingTimeInterval(1))[0].job
        let highEarlySame = try await store.insert([.test(priority: 1)], now: epoch.addingTimeInterval(1))[0].job
        let now = epoch.addingTimeInterval(10)
        let claimed = try await store.claim(queue: "default", limit: 3, node: "node-a", now: now)
        #expect(claimed.map(\.id) == [highEarly.id, highEarlySame.id, highLate.id])
        #expect(claimed.allSatisfy { $0.state == .executing && $0.attempt == 1 && $0.attemptedBy == "node-a" && $0.attemptedAt == now })
        #expect(try await store.claim(queue: "default", limit: 3, node: "node-a", now: now).map(\.id) == [low.id])
        #expect(try await store.claim(queue: "default", limit: 3, node: "node-a", now: now).isEmpty)
    }

    @Test(arguments: StoreKind.allCases)
    func claimsOnlyItsQueueAndNothingWhilePaused(kind: StoreKind) async throws {
        let store = try await kind.make()
        _ = try await store.insert([.test(queue: "a"), .test(queue: "b"), .test(queue: "b")], now: epoch)
        try await store.setPaused(true, queue: "b", now: epoch)
        #expect(try await store.claim(queue: "b", limit: 10, node: "n", now: epoch).isEmpty)
        #expect(try await store.claim(queue: "a", limit: 10, node: "n", now: epoch).count == 1)
        #expect(try await store.queueSummaries().first { $0.name == "b" }?.paused == true)
        try await store.setPaused(false, queue: "b", now: epoch)
        #expect(try await store.claim(queue: "b", limit: 10, node: "n", now: epoch).count == 2)
    }

    /// Four connections (as four processes would) claim from one table at once: every job is
    /// claimed exactly once.
    @Test(arguments: StoreKind.allCases)
    func concurrentClaimersNeverShareAJob(kind: StoreKind) async throws {
        let store = try await kind.make()
        let total = 2_000
        _ = try await store.insert((0..<total).map { _ in .test() }, now: epoch)
        var stores: [any JobStore] = [store]
        for _ in 1..<4 { stores.append(try await kind.reopen(store)) }
        let claimedIDs = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for (index, claimer) in stores.enumerated() {
                group.addTask {
                    var ids: [Int64] = []
                    while true {
                        let jobs = try await claimer.claim(queue: "default", limit: 7, node: "node-\(index)", now: epoch)
                        if jobs.isEmpty { return ids }
                        ids += jobs.map(\.id)
                    }
                }
            }
            return try await group.reduce(into: [Int64]()) { $0 += $1 }
        }
        #expect(claimedIDs.count == total)
        #expect(Set(claimedIDs).count == total)
    }
}
