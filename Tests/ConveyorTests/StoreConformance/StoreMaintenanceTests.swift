import Conveyor
import Foundation
import Testing

@Suite("Store: maintenance, leadership and admin")
struct StoreMaintenanceTests {
    @Test(arguments: StoreKind.allCases)
    func rescueRespectsLiveHeartbeatsAndAttempts(kind: StoreKind) async throws {
        let store = try await kind.make()
        _ = try await store.insert([.test(maxAttempts: 1), .test(maxAttempts: 3), .test(maxAttempts: 3)], now: epoch)
        let dead = try await store.claim(queue: "default", limit: 2, node: "dead", now: epoch)
        let alive = try await store.claim(queue: "default", limit: 1, node: "alive", now: epoch)
        try await store.heartbeat(NodeRecord(name: "dead", queues: [], kinds: [], startedAt: epoch, heartbeatAt: epoch, running: 2))
        try await store.heartbeat(NodeRecord(name: "alive", queues: [], kinds: [], startedAt: epoch, heartbeatAt: epoch.addingTimeInterval(50), running: 1))
        let rescued = try await store.rescue(heartbeatBefore: epoch.addingTimeInterval(30), now: epoch.addingTimeInterval(60))
        #expect(rescued == 2)
        let states = try await dead.asyncMap { try await store.job(id: $0.id)!.state }
        #expect(Set(states) == [.discarded, .available])
        #expect(try await store.job(id: alive[0].id)?.state == .executing)
    }

    /// A claim is a sign of life: after an outage a node may claim before its next heartbeat
    /// lands, and those jobs are not taken from it.
    @Test(arguments: StoreKind.allCases)
    func rescueSparesJobsClaimedAfterTheCutoff(kind: StoreKind) async throws {
        let store = try await kind.make()
        _ = try await store.insert([.test(), .test()], now: epoch)
        let before = try await store.claim(queue: "default", limit: 1, node: "n", now: epoch)
        let after = try await store.claim(queue: "default", limit: 1, node: "n", now: epoch.addingTimeInterval(40))
        try await store.heartbeat(NodeRecord(name: "n", queues: [], kinds: [], startedAt: epoch, heartbeatAt: epoch, running: 2))
        #expect(try await store.rescue(heartbeatBefore: epoch.addingTimeInterval(30), now: epoch.addingTimeInterval(45)) == 1)
        #expect(try await store.job(id: before[0].id)?.state == .available)
        #expect(try await store.job(id: after[0].id)?.state == .executing)
    }

    @Test(arguments: StoreKind.allCases)
    func oneLeaderAtATime(kind: StoreKind) async throws {
        let store = try await kind.make()
        #expect(try await store.leader(now: epoch) == nil)
        #expect(try await store.acquireLeadership(node: "a", ttl: .seconds(10), now: epoch))
        #expect(try await store.leader(now: epoch.addingTimeInterval(5)) == "a")
        #expect(try await !store.acquireLeadership(node: "b", ttl: .seconds(10), now: epoch.addingTimeInterval(5)))
        #expect(try await store.acquireLeadership(node: "a", ttl: .seconds(10), now: epoch.addingTimeInterval(8)))
        #expect(try await !store.acquireLeadership(node: "b", ttl: .seconds(10), now: epoch.addingTimeInterval(15)))
        #expect(try await store.acquireLeadership(node: "b", ttl: .seconds(10), now: epoch.addingTimeInterval(19)))
        #expect(try await store.leader(now: epoch.addingTimeInterval(19)) == "b")
        #expect(try await store.leader(now: epoch.addingTimeInterval(30)) == nil, "an expired lease leads nothing")
        try await store.resignLeadership(node: "b")
        #expect(try await store.acquireLeadership(node: "a", ttl: .seconds(10), now: epoch.addingTimeInterval(20)))
    }

    @Test(arguments: StoreKind.allCases)
    func deletesFinishedJobsByAgeAndByCount(kind: StoreKind) async throws {
        let store = try await kind.make()
        _ = try await store.insert((0..<10).map { _ in .test() }, now: epoch)
        let claimed = try await store.claim(queue: "default", limit: 10, node: "n", now: epoch)
        let acks = claimed.prefix(6).map { JobAck(JobAttempt(jobID: $0.id, attempt: 1, node: "n"), .completed(result: nil)) }
        _ = try await store.acknowledge(Array(acks), now: epoch)
        let failed = claimed.suffix(4).map { JobAck(JobAttempt(jobID: $0.id, attempt: 1, node: "n"), .discard(error: JobErrorEntry(attempt: 1, at: epoch, message: "x"))) }
        _ = try await store.acknowledge(Array(failed), now: epoch.addingTimeInterval(3_600))
        #expect(try await store.deleteFinished(.completed, before: epoch.addingTimeInterval(1), in: .allExcept([]), limit: 4) == 4, "a statement deletes at most its limit")
        #expect(try await store.deleteFinished(.completed, before: epoch.addingTimeInterval(1), in: .allExcept([]), limit: 10) == 2)
        #expect(try await store.deleteFinished(.discarded, before: epoch.addingTimeInterval(3_600), in: .allExcept([]), limit: 10) == 0, "finished at, not before")
        #expect(try await store.queues(holding: .discarded) == ["default"])
        #expect(try await store.queues(holding: .completed) == [])
        #expect(try await store.deleteFinished(.discarded, queue: "default", beyondNewest: 1, limit: 10) == 3)
        let left = try await store.jobs(matching: JobFilter())
        #expect(left.map(\.id) == [claimed[9].id], "the newest is kept")
    }

    @Test(arguments: StoreKind.allCases)
    func retryCancelDeleteFollowTheStateRules(kind: StoreKind) async throws {
        let store = try await kind.make()
        let ids = try await store.insert([.test(), .test(), .test()], now: epoch).map(\.job.id)
        await #expect { try await store.retry(id: ids[0], now: epoch) } throws: { ($0 as? ConveyorError)?.code == .conflict }
        await #expect { try await store.retry(id: 999_999, now: epoch) } throws: { ($0 as? ConveyorError)?.code == .notFound }
        let cancelled = try await store.cancel(id: ids[0], reason: "not needed", now: epoch)
        #expect(cancelled.state == .cancelled)
        #expect(cancelled.errors.last?.message == "cancelled: not needed")
        await #expect { try await store.cancel(id: ids[0], reason: "again", now: epoch) } throws: { ($0 as? ConveyorError)?.code == .conflict }
        let retried = try await store.retry(id: ids[0], now: epoch.addingTimeInterval(1))
        #expect(retried.state == .available)
        let executing = try #require(try await store.claim(queue: "default", limit: 1, node: "n", now: epoch).first)
        await #expect { try await store.delete(id: executing.id, now: epoch) } throws: { ($0 as? ConveyorError)?.code == .conflict }
        #expect(try await store.job(id: executing.id)?.state == .executing)
        #expect(try await store.delete(id: ids[2], now: epoch).id == ids[2])
        #expect(try await store.job(id: ids[2]) == nil)
    }

    @Test(arguments: StoreKind.allCases)
    func summariesCountEveryState(kind: StoreKind) async throws {
        let store = try await kind.make()
        _ = try await store.insert([.test(queue: "a"), .test(queue: "a"), .test(queue: "b", scheduledAt: epoch.addingTimeInterval(9))], now: epoch)
        _ = try await store.insert((0..<3).map { _ in .test(queue: "c") }, now: epoch)
        _ = try await store.claim(queue: "a", limit: 1, node: "n", now: epoch)
        let finishing = try await store.claim(queue: "c", limit: 3, node: "n", now: epoch)
        let error = JobErrorEntry(attempt: 1, at: epoch, message: "no")
        _ = try await store.acknowledge(zip(finishing, [JobAck.Outcome.completed(result: nil), .discard(error: error), .cancel(error: error)]).map {
            JobAck(JobAttempt(jobID: $0.id, attempt: 1, node: "n"), $1)
        }, now: epoch)
        let summaries = try await store.queueSummaries()
        #expect(summaries.map(\.name) == ["a", "b", "c"])
        #expect(summaries[0].counts == [.available: 1, .executing: 1])
        #expect(summaries[1].counts == [.scheduled: 1])
        #expect(summaries[2].counts == [.completed: 1, .discarded: 1, .cancelled: 1])
    }

    @Test(arguments: StoreKind.allCases)
    func nodesAreListedAndRemoved(kind: StoreKind) async throws {
        let store = try await kind.make()
        try await store.heartbeat(NodeRecord(name: "a", queues: ["q"], kinds: ["k"], startedAt: epoch, heartbeatAt: epoch, running: 3, slots: 12))
        #expect(try await store.nodes().map(\.slots) == [12])
        try await store.heartbeat(NodeRecord(name: "a", queues: ["q"], kinds: ["k"], startedAt: epoch, heartbeatAt: epoch.addingTimeInterval(5), running: 1))
        let nodes = try await store.nodes()
        #expect(nodes == [NodeRecord(name: "a", queues: ["q"], kinds: ["k"], startedAt: epoch, heartbeatAt: epoch.addingTimeInterval(5), running: 1)],
                "a heartbeat without slots says the node did not tell")
        try await store.removeNode(name: "a")
        #expect(try await store.nodes().isEmpty)
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
