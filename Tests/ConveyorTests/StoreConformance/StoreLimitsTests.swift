import Conveyor
import Foundation
import Synchronization
import Testing

@Suite("Store: queue limits across nodes")
struct StoreLimitsTests {
    @Test(arguments: StoreKind.allCases)
    func limitsAreStoredAndRemoved(kind: StoreKind) async throws {
        let store = try await kind.make()
        let limits = QueueLimits(concurrency: 3, rate: RateLimit(count: 10, period: .milliseconds(2_500)))
        try await store.setLimits(limits, queue: "mail", now: epoch)
        #expect(try await store.queueSummaries().first { $0.name == "mail" }?.limits == limits)
        try await store.setLimits(.none, queue: "mail", now: epoch)
        #expect(try await store.queueSummaries().first { $0.name == "mail" }?.limits == QueueLimits.none)
    }

    @Test(arguments: StoreKind.allCases)
    func concurrencyCountsExecutingJobsOfEveryNode(kind: StoreKind) async throws {
        let store = try await kind.make()
        _ = try await store.insert((0..<10).map { _ in .test() }, now: epoch)
        try await store.setLimits(QueueLimits(concurrency: 3), queue: "default", now: epoch)
        let other = try await kind.reopen(store)
        let first = try await store.claim(queue: "default", limit: 2, node: "a", now: epoch)
        #expect(first.count == 2)
        #expect(try await other.claim(queue: "default", limit: 10, node: "b", now: epoch).count == 1)
        #expect(try await store.claim(queue: "default", limit: 10, node: "a", now: epoch).isEmpty)
        let attempt = JobAttempt(jobID: first[0].id, attempt: 1, node: "a")
        _ = try await store.acknowledge([JobAck(attempt, .completed(result: nil))], now: epoch)
        #expect(try await other.claim(queue: "default", limit: 10, node: "b", now: epoch).count == 1)
        try await store.setLimits(.none, queue: "default", now: epoch)
        #expect(try await store.claim(queue: "default", limit: 10, node: "a", now: epoch).count == 6)
    }

    /// Within any window of the period at most `count` jobs start; the window slides.
    @Test(arguments: StoreKind.allCases)
    func rateIsASlidingWindow(kind: StoreKind) async throws {
        let store = try await kind.make()
        _ = try await store.insert((0..<20).map { _ in .test() }, now: epoch)
        try await store.setLimits(QueueLimits(rate: RateLimit(count: 4, period: .seconds(10))), queue: "default", now: epoch)
        func claim(after seconds: Double, limit: Int = 10) async throws -> Int {
            try await store.claim(queue: "default", limit: limit, node: "n", now: epoch.addingTimeInterval(seconds)).count
        }
        #expect(try await claim(after: 0, limit: 3) == 3)
        #expect(try await claim(after: 5) == 1)
        #expect(try await claim(after: 9.9) == 0)
        #expect(try await claim(after: 10) == 0, "a start exactly one period ago is still inside the window")
        #expect(try await claim(after: 10.5) == 3, "the three starts at 0 have left the window")
        #expect(try await claim(after: 15.5) == 1)
    }

    /// Four handles (as four nodes) claim and complete at once under a concurrency of 5. What a
    /// claimer holds is counted up after its claim commits and down before its outcome is
    /// written, so the count never exceeds the jobs executing in the database.
    @Test(arguments: StoreKind.allCases)
    func concurrentClaimersStayWithinTheConcurrencyLimit(kind: StoreKind) async throws {
        let store = try await kind.make()
        let total = 300
        _ = try await store.insert((0..<total).map { _ in .test() }, now: epoch)
        try await store.setLimits(QueueLimits(concurrency: 5), queue: "default", now: epoch)
        var stores: [any JobStore] = [store]
        for _ in 1..<4 { stores.append(try await kind.reopen(store)) }
        let held = HeldCount()
        let completed = try await withThrowingTaskGroup(of: Int.self) { group in
            for (index, claimer) in stores.enumerated() {
                group.addTask {
                    var done = 0
                    var idle = 0
                    while idle < 50 {
                        let jobs = try await claimer.claim(queue: "default", limit: 3, node: "node-\(index)", now: epoch)
                        if jobs.isEmpty {
                            idle += 1
                            try await Task.sleep(for: .milliseconds(2))
                            continue
                        }
                        idle = 0
                        held.add(jobs.count)
                        try await Task.sleep(for: .milliseconds(1))
                        held.add(-jobs.count)
                        let acks = jobs.map { JobAck(JobAttempt(jobID: $0.id, attempt: $0.attempt, node: "node-\(index)"), .completed(result: nil)) }
                        done += try await claimer.acknowledge(acks, now: epoch).applied.count
                    }
                    return done
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(completed == total)
        #expect(held.most <= 5)
    }

    @Test(arguments: StoreKind.allCases)
    func concurrentClaimersShareOneRateWindow(kind: StoreKind) async throws {
        let store = try await kind.make()
        _ = try await store.insert((0..<100).map { _ in .test() }, now: epoch)
        try await store.setLimits(QueueLimits(rate: RateLimit(count: 10, period: .seconds(3_600))), queue: "default", now: epoch)
        var stores: [any JobStore] = [store]
        for _ in 1..<4 { stores.append(try await kind.reopen(store)) }
        let claimed = try await withThrowingTaskGroup(of: Int.self) { group in
            for (index, claimer) in stores.enumerated() {
                group.addTask {
                    var count = 0
                    for _ in 0..<10 { count += try await claimer.claim(queue: "default", limit: 2, node: "node-\(index)", now: epoch).count }
                    return count
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(claimed == 10)
    }
}

/// How many jobs the claimers hold, and the most they held at once.
final class HeldCount: Sendable {
    private let counts = Mutex((now: 0, most: 0))

    func add(_ delta: Int) {
        counts.withLock { $0.now += delta; $0.most = max($0.most, $0.now) }
    }

    var most: Int { counts.withLock { $0.most } }
}
