import Conveyor
import Foundation
import Testing

@Suite("Store: acknowledge and fencing")
struct StoreAcknowledgeTests {
    func claimedJob(_ store: any JobStore, node: String = "node-a", maxAttempts: Int = 5) async throws -> (Job, JobAttempt) {
        _ = try await store.insert([.test(maxAttempts: maxAttempts)], now: epoch)
        let job = try #require(try await store.claim(queue: "default", limit: 1, node: node, now: epoch).first)
        return (job, JobAttempt(jobID: job.id, attempt: job.attempt, node: node))
    }

    @Test(arguments: StoreKind.allCases)
    func completedStoresResultAndFinishTime(kind: StoreKind) async throws {
        let store = try await kind.make()
        let (job, attempt) = try await claimedJob(store)
        let done = epoch.addingTimeInterval(1)
        let applied = try await store.acknowledge([JobAck(attempt, .completed(result: RawJSON(.object(["rows": .number(12)]))))], now: done).applied
        #expect(applied == [job.id])
        let stored = try #require(try await store.job(id: job.id))
        #expect(stored.state == .completed)
        #expect(stored.finishedAt == done)
        #expect(stored.result == .object(["rows": .number(12)]))
    }

    @Test(arguments: StoreKind.allCases)
    func retryRecordsTheErrorAndWaitsForItsTime(kind: StoreKind) async throws {
        let store = try await kind.make()
        let (job, attempt) = try await claimedJob(store)
        let retryAt = epoch.addingTimeInterval(5)
        let message = String(repeating: "x", count: 50_000)
        _ = try await store.acknowledge([JobAck(attempt, .retry(at: retryAt, error: JobErrorEntry(attempt: 1, at: epoch, message: message)))], now: epoch)
        let stored = try #require(try await store.job(id: job.id))
        #expect(stored.state == .retryable)
        #expect(stored.scheduledAt == retryAt)
        #expect(stored.errors.count == 1)
        #expect(stored.errors[0].attempt == 1)
        #expect(stored.errors[0].message.count < 2_100)
        #expect(try await store.stage(now: epoch.addingTimeInterval(4), limit: 100).isEmpty)
        #expect(try await store.stage(now: retryAt, limit: 100) == ["default"])
        let again = try #require(try await store.claim(queue: "default", limit: 1, node: "node-a", now: retryAt).first)
        #expect(again.attempt == 2)
    }

    @Test(arguments: StoreKind.allCases)
    func everyOutcomeLandsInItsState(kind: StoreKind) async throws {
        let store = try await kind.make()
        let entry = JobErrorEntry(attempt: 1, at: epoch, message: "why")
        let cases: [(JobAck.Outcome, JobState)] = [
            (.discard(error: entry), .discarded),
            (.cancel(error: entry), .cancelled),
            (.snooze(until: epoch.addingTimeInterval(60)), .scheduled),
            (.release, .available),
            (.retry(at: epoch, error: entry), .available),
        ]
        for (outcome, expected) in cases {
            let (job, attempt) = try await claimedJob(store)
            _ = try await store.acknowledge([JobAck(attempt, outcome)], now: epoch)
            let stored = try #require(try await store.job(id: job.id))
            #expect(stored.state == expected, "\(outcome)")
            if case .snooze = outcome { #expect(stored.maxAttempts == job.maxAttempts + 1) }
            if case .release = outcome { #expect(stored.maxAttempts == job.maxAttempts + 1) }
            if expected.isFinal { #expect(stored.finishedAt == epoch) }
            _ = try await store.delete(id: job.id, now: epoch)
        }
    }

    /// A node presumed dead wakes up after its job was rescued and run elsewhere: its late
    /// acknowledgement must not overwrite the newer attempt's outcome (riverqueue/river#1302).
    @Test(arguments: StoreKind.allCases)
    func staleAttemptCannotOverwriteItsReplacement(kind: StoreKind) async throws {
        let store = try await kind.make()
        let (job, staleAttempt) = try await claimedJob(store, node: "node-dead")
        try await store.heartbeat(NodeRecord(name: "node-live", queues: ["default"], kinds: [], startedAt: epoch, heartbeatAt: epoch.addingTimeInterval(100), running: 0))
        #expect(try await store.rescue(heartbeatBefore: epoch.addingTimeInterval(70), now: epoch.addingTimeInterval(100)) == 1)
        let rescued = try #require(try await store.job(id: job.id))
        #expect(rescued.state == .available)
        #expect(rescued.errors.last?.message.contains("node-dead") == true)
        let replacement = try #require(try await store.claim(queue: "default", limit: 1, node: "node-live", now: epoch.addingTimeInterval(100)).first)
        #expect(replacement.attempt == 2)
        // The stale node's ack is ignored, even though it claims the same job.
        let ignored = try await store.acknowledge([JobAck(staleAttempt, .discard(error: JobErrorEntry(attempt: 1, at: epoch, message: "late")))], now: epoch.addingTimeInterval(101)).applied
        #expect(ignored.isEmpty)
        #expect(try await store.job(id: job.id)?.state == .executing)
        #expect(try await store.executingAttempts(node: "node-dead").isEmpty)
        let current = JobAttempt(jobID: job.id, attempt: 2, node: "node-live")
        #expect(try await store.executingAttempts(node: "node-live") == [current])
        #expect(try await store.acknowledge([JobAck(current, .completed(result: nil))], now: epoch.addingTimeInterval(102)).applied == [job.id])
        #expect(try await store.job(id: job.id)?.state == .completed)
    }

    @Test(arguments: StoreKind.allCases)
    func progressIsSavedOnlyForTheCurrentAttempt(kind: StoreKind) async throws {
        let store = try await kind.make()
        let (job, attempt) = try await claimedJob(store)
        try await store.recordProgress(attempt, JobProgress(fraction: 0.5, message: "half"))
        var stale = attempt
        stale.attempt = 9
        try await store.recordProgress(stale, JobProgress(fraction: 0.9, message: "stale"))
        let stored = try #require(try await store.job(id: job.id))
        #expect(stored.progress == 0.5)
        #expect(stored.meta.value["progress_message"] == .string("half"))
    }

    /// Seed 004's `progress JSONB`: a report's JSON is stored beside the fraction, replaced
    /// by the next report and removed by a report without any; the rest of the meta stays.
    @Test(arguments: StoreKind.allCases)
    func progressDetailsAreStoredAndReplaced(kind: StoreKind) async throws {
        let store = try await kind.make()
        let (job, attempt) = try await claimedJob(store)
        let details: JSONValue = .object(["step": .string("embed"), "chunks": .number(40), "of": .number(100), "note": .null,
                                          "pages": .array([.string("a"), .string("b")])])
        try await store.recordProgress(attempt, JobProgress(fraction: 0.4, message: "embedding", details: RawJSON(details)))
        var stored = try #require(try await store.job(id: job.id))
        #expect(stored.progressDetails == details)
        #expect(stored.progress == 0.4)
        try await store.recordProgress(attempt, JobProgress(fraction: 0.6, details: RawJSON(.object(["step": .string("store")]))))
        stored = try #require(try await store.job(id: job.id))
        #expect(stored.progressDetails == .object(["step": .string("store")]))
        try await store.recordProgress(attempt, JobProgress(fraction: 0.7, message: "plain"))
        stored = try #require(try await store.job(id: job.id))
        #expect(stored.progressDetails == nil)
        #expect(stored.meta.value["progress_message"] == .string("plain"))
    }
}
