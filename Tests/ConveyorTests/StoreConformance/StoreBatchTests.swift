import Conveyor
import Foundation
import Testing

@Suite("Store: batches, follow-ups and outcome hooks")
struct StoreBatchTests {
    let callback = BatchCallback(kind: "batch.done", queue: "callbacks", args: RawJSON(.object(["user": .number(7)])))

    /// Claims every available job of `queue` for `node` and stores `outcome` for each.
    func finishAll(_ store: any JobStore, queue: String = "default", node: String = "n", limit: Int = 1_000,
                   _ outcome: (Job) -> JobAck.Outcome = { _ in .completed(result: nil) }) async throws -> Set<Int64> {
        let jobs = try await store.claim(queue: queue, limit: limit, node: node, now: epoch)
        return try await store.acknowledge(jobs.map { JobAck(JobAttempt(jobID: $0.id, attempt: $0.attempt, node: node), outcome($0)) }, now: epoch).applied
    }

    func callbacks(_ store: any JobStore) async throws -> [Job] {
        try await store.jobs(matching: JobFilter(kinds: ["batch.done"]))
    }

    @Test(arguments: StoreKind.allCases)
    func theLastJobToEndEnqueuesTheCallbackOnceWithTheCounts(kind: StoreKind) async throws {
        let store = try await kind.make()
        let (batch, results) = try await store.insertBatch((0..<5).map { _ in .test() }, callback: callback, now: epoch)
        #expect(batch.total == 5 && batch.pending == 5 && batch.finishedAt == nil)
        #expect(results.allSatisfy { $0.job.batchID == batch.id })
        #expect(try await store.jobs(matching: JobFilter(batchID: batch.id)).count == 5)
        let ids = results.map(\.job.id)

        _ = try await store.cancel(id: ids[4], reason: "not needed", now: epoch)
        let claimed = try await store.claim(queue: "default", limit: 4, node: "n", now: epoch)
        let error = JobErrorEntry(attempt: 1, at: epoch, message: "gave up")
        _ = try await store.acknowledge([JobAck(JobAttempt(jobID: claimed[0].id, attempt: 1, node: "n"), .discard(error: error))], now: epoch)
        _ = try await store.acknowledge(claimed[1..<3].map { JobAck(JobAttempt(jobID: $0.id, attempt: 1, node: "n"), .completed(result: nil)) }, now: epoch)
        #expect(try await callbacks(store).isEmpty)
        let midway = try #require(try await store.batch(id: batch.id))
        #expect((midway.completed, midway.discarded, midway.cancelled, midway.pending) == (2, 1, 1, 1))

        _ = try await store.acknowledge([JobAck(JobAttempt(jobID: claimed[3].id, attempt: 1, node: "n"), .completed(result: nil))], now: epoch)
        let callbackJob = try #require(try await callbacks(store).first)
        #expect(try await callbacks(store).count == 1)
        #expect(callbackJob.queue == "callbacks")
        let outcome = try callbackJob.args.decode(BatchOutcome.self)
        #expect(outcome == BatchOutcome(batchID: batch.id, total: 5, completed: 3, discarded: 1, cancelled: 1, args: callback.args))
        let ended = try #require(try await store.batch(id: batch.id))
        #expect(ended.finishedAt == epoch && ended.callbackJobID == callbackJob.id)

        // Once ended, a batch stays ended: a retried job's new outcome enqueues nothing.
        _ = try await store.retry(id: ids[4], now: epoch)
        _ = try await finishAll(store)
        #expect(try await callbacks(store).count == 1)
        #expect(try await store.batch(id: batch.id)?.completed == 3)

        // Ended batches are pruned by age; open ones never are.
        let (open, _) = try await store.insertBatch([.test(queue: "idle")], callback: callback, now: epoch)
        #expect(try await store.deleteBatches(endedBefore: epoch, limit: 100) == 0)
        #expect(try await store.deleteBatches(endedBefore: epoch.addingTimeInterval(1), limit: 100) == 1)
        #expect(try await store.batch(id: batch.id) == nil)
        #expect(try await store.batch(id: open.id) != nil)
    }

    @Test(arguments: StoreKind.allCases)
    func aRetriedJobNoLongerCountsAsEnded(kind: StoreKind) async throws {
        let store = try await kind.make()
        let (batch, results) = try await store.insertBatch([.test(), .test()], callback: callback, now: epoch)
        let first = results[0].job.id
        _ = try await store.cancel(id: first, reason: "oops", now: epoch)
        #expect(try await store.batch(id: batch.id)?.cancelled == 1)
        _ = try await store.retry(id: first, now: epoch)
        #expect(try await store.batch(id: batch.id)?.cancelled == 0)
        _ = try await finishAll(store)
        let outcome = try #require(try await callbacks(store).first).args.decode(BatchOutcome.self)
        #expect((outcome.completed, outcome.cancelled, outcome.total) == (2, 0, 2))
    }

    @Test(arguments: StoreKind.allCases)
    func deletingTheLastUnfinishedJobEndsTheBatch(kind: StoreKind) async throws {
        let store = try await kind.make()
        let (batch, results) = try await store.insertBatch([.test(), .test(queue: "later")], callback: callback, now: epoch)
        _ = try await finishAll(store)
        #expect(try await callbacks(store).isEmpty)
        _ = try await store.delete(id: results[1].job.id, now: epoch)
        let outcome = try #require(try await callbacks(store).first).args.decode(BatchOutcome.self)
        #expect((outcome.total, outcome.completed) == (1, 1))
        #expect(try await store.batch(id: batch.id)?.finishedAt != nil)
    }

    @Test(arguments: StoreKind.allCases)
    func followUpsCommitWithTheCompletionAndJoinItsBatch(kind: StoreKind) async throws {
        let store = try await kind.make()
        let (batch, _) = try await store.insertBatch([.test()], callback: callback, now: epoch)
        let job = try #require(try await store.claim(queue: "default", limit: 1, node: "n", now: epoch).first)
        let attempt = JobAttempt(jobID: job.id, attempt: 1, node: "n")
        let followUps: [JobInsert] = [.test("step.two", queue: "steps"), .test("step.two", queue: "steps")]

        // A stale attempt stores nothing, its follow-ups included.
        let stale = JobAttempt(jobID: job.id, attempt: 1, node: "other")
        #expect(try await store.acknowledge([JobAck(stale, .completed(result: nil), followUps: followUps)], now: epoch) == Acknowledged())
        #expect(try await store.jobs(matching: JobFilter(kinds: ["step.two"])).isEmpty)

        // Follow-ups of a failed attempt are dropped.
        let error = JobErrorEntry(attempt: 1, at: epoch, message: "try again")
        _ = try await store.acknowledge([JobAck(attempt, .retry(at: epoch, error: error), followUps: followUps)], now: epoch)
        #expect(try await store.jobs(matching: JobFilter(kinds: ["step.two"])).isEmpty)

        let again = try #require(try await store.claim(queue: "default", limit: 1, node: "n", now: epoch).first)
        let applied = try await store.acknowledge(
            [JobAck(JobAttempt(jobID: again.id, attempt: 2, node: "n"), .completed(result: nil), followUps: followUps)], now: epoch)
        #expect(applied.applied == [job.id])
        let steps = try await store.jobs(matching: JobFilter(kinds: ["step.two"]))
        #expect(Set(applied.inserted.map(\.id)) == Set(steps.map(\.id)), "the follow-ups come back, for their events")
        #expect(steps.count == 2 && steps.allSatisfy { $0.state == .available && $0.batchID == batch.id })
        let counts = try #require(try await store.batch(id: batch.id))
        #expect((counts.total, counts.completed) == (3, 1))
        #expect(try await callbacks(store).isEmpty)

        _ = try await finishAll(store, queue: "steps")
        let outcome = try #require(try await callbacks(store).first).args.decode(BatchOutcome.self)
        #expect((outcome.total, outcome.completed) == (3, 3))
    }

    @Test(arguments: StoreKind.allCases)
    func hooksFireOncePerFinalOutcomeWhereverItHappens(kind: StoreKind) async throws {
        let store = try await kind.make()
        var insert = JobInsert.test(args: .object(["contact": .number(42)]), maxAttempts: 1, tags: ["crm"])
        insert.hooks = OutcomeHooks(completed: OutcomeHook(kind: "hook.done", queue: "hooks"),
                                    discarded: OutcomeHook(kind: "hook.failed", queue: "hooks"),
                                    cancelled: OutcomeHook(kind: "hook.cancelled", queue: "hooks"))
        let ids = try await store.insert([insert, insert, insert, insert], now: epoch).map(\.job.id)
        #expect(try await store.job(id: ids[0])?.hooks?.discarded?.kind == "hook.failed")

        // Completed with a result; discarded by its worker; cancelled by a user; discarded by a
        // rescue (its node stopped heartbeating on its last attempt).
        _ = try await store.cancel(id: ids[2], reason: "user", now: epoch)
        let claimed = try await store.claim(queue: "default", limit: 3, node: "gone", now: epoch).sorted { $0.id < $1.id }
        let result = RawJSON(.object(["notes": .number(3)]))
        _ = try await store.acknowledge([
            JobAck(JobAttempt(jobID: claimed[0].id, attempt: 1, node: "gone"), .completed(result: result)),
            JobAck(JobAttempt(jobID: claimed[1].id, attempt: 1, node: "gone"), .discard(error: JobErrorEntry(attempt: 1, at: epoch, message: "bad row"))),
        ], now: epoch)
        #expect(try await store.rescue(heartbeatBefore: epoch.addingTimeInterval(60), now: epoch.addingTimeInterval(60)) == 1)

        let hooks = try await store.jobs(matching: JobFilter(queues: ["hooks"])).sorted { $0.id < $1.id }
        #expect(hooks.count == 4)
        let outcomes = try hooks.map { try $0.args.decode(JobOutcome.self) }
        #expect(Dictionary(uniqueKeysWithValues: outcomes.map { ($0.jobID, $0.state) })
            == [ids[0]: .completed, ids[1]: .discarded, ids[2]: .cancelled, ids[3]: .discarded])
        let done = try #require(outcomes.first { $0.jobID == ids[0] })
        #expect(done.result == result.value && done.args == insert.args && done.tags == ["crm"] && done.kind == "test.job")
        #expect(outcomes.first { $0.jobID == ids[1] }?.error == "bad row")
        #expect(outcomes.first { $0.jobID == ids[3] }?.error?.hasPrefix("rescued") == true)
        #expect(Dictionary(grouping: hooks, by: \.kind).mapValues(\.count) == ["hook.done": 1, "hook.failed": 2, "hook.cancelled": 1])

        // A retry that is not final fires nothing.
        #expect(try await store.jobs(matching: JobFilter(states: [.retryable])).isEmpty)
    }

    @Test(arguments: StoreKind.allCases)
    func nodesEndingABatchAtOnceEnqueueOneCallback(kind: StoreKind) async throws {
        let store = try await kind.make()
        let others = [store, try await kind.reopen(store), try await kind.reopen(store)]
        let size = 600
        _ = try await store.insertBatch((0..<size).map { _ in .test() }, callback: callback, now: epoch)
        let finished = try await withThrowingTaskGroup(of: Int.self) { group in
            for (index, node) in others.enumerated() {
                group.addTask {
                    var count = 0
                    while true {
                        let applied = try await finishAll(node, node: "node-\(index)", limit: 7) { job in
                            job.id % 10 == 0 ? .discard(error: JobErrorEntry(attempt: 1, at: epoch, message: "no")) : .completed(result: nil)
                        }
                        if applied.isEmpty { break }
                        count += applied.count
                    }
                    return count
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(finished == size)
        let callbackJobs = try await callbacks(store)
        #expect(callbackJobs.count == 1)
        let outcome = try #require(callbackJobs.first).args.decode(BatchOutcome.self)
        #expect(outcome.total == size && outcome.completed + outcome.discarded == size && outcome.discarded > 0)
    }
}
