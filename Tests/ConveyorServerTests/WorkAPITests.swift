import Conveyor
import ConveyorTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Workers in other processes over HTTP: leases fenced by attempt, outcomes as a node's.
@Suite("API: workers over HTTP")
struct WorkAPITests {
    static func lease(_ body: [String: Any]) throws -> (token: String, job: [String: Any]) {
        let leases = try #require(body["leases"] as? [[String: Any]])
        let first = try #require(leases.first)
        return (try #require(first["lease"] as? String), try #require(first["job"] as? [String: Any]))
    }

    @Test func fetchReportCompleteAndAStaleLeaseIsRefused() async throws {
        try await withAPI { client, conveyor in
            let enqueued = try await conveyor.enqueue(kind: "app.process_text", args: ["source_id": "s-12"], options: EnqueueOptions(queue: "default")).job
            var (status, body) = try await client.call(.post, "/api/v1/work/fetch", key: workKey,
                                                      json: #"{"worker": "py-1", "queues": ["default"], "kinds": ["app.process_text"], "limit": 5, "slots": 8}"#)
            #expect(status == .ok, "\(body)")
            let (token, job) = try Self.lease(body)
            #expect(job["id"] as? Int == Int(enqueued.id) && job["attempt"] as? Int == 1 && job["attempted_by"] as? String == "py-1")
            let node = try #require(try await conveyor.nodes().first { $0.name == "py-1" })
            #expect(node.queues == ["default"] && node.kinds == ["app.process_text"] && node.running == 0 && node.slots == 8)

            (status, body) = try await client.call(.post, "/api/v1/work/progress", key: workKey,
                                                  json: #"{"lease": "\#(token)", "progress": 0.5, "message": "chunking", "details": {"chunks": 4}}"#)
            #expect(status == .ok, "\(body)")
            #expect(try await conveyor.job(id: enqueued.id).progressDetails == ["chunks": 4])
            (status, body) = try await client.call(.post, "/api/v1/work/heartbeat", key: workKey,
                                                  json: #"{"worker": "py-1", "queues": ["default"], "leases": ["\#(token)"]}"#)
            #expect(status == .ok && (body["cancelled"] as? [String])?.isEmpty == true && (body["lost"] as? [String])?.isEmpty == true)
            (status, body) = try await client.call(.post, "/api/v1/work/complete", key: workKey, json: #"{"lease": "\#(token)", "result": {"vectors": 12}}"#)
            #expect(status == .ok && body["state"] as? String == "completed", "\(body)")
            #expect(try await conveyor.job(id: enqueued.id).result == ["vectors": 12])

            (status, body) = try await client.call(.post, "/api/v1/work/complete", key: workKey, json: #"{"lease": "\#(token)"}"#)
            #expect(status == .conflict && body.error.field == "lease", "a finished job's lease is stale: \(body)")
            #expect(try await conveyor.job(id: enqueued.id).result == ["vectors": 12], "nothing changed")
        }
    }

    /// A failure is retried (after the worker's delay, or the job's backoff) until the last
    /// attempt, then discarded; the first attempt's lease is stale once the second runs.
    @Test func aFailureRetriesAndTheOldAttemptsLeaseIsStale() async throws {
        try await withAPI { client, conveyor in
            let job = try await conveyor.enqueue(kind: "app.flaky", options: EnqueueOptions(queue: "default", maxAttempts: 2)).job
            let fetch = #"{"worker": "node-a", "queues": ["default"]}"#
            var (_, body) = try await client.call(.post, "/api/v1/work/fetch", key: workKey, json: fetch)
            let first = try Self.lease(body).token
            var status: HTTPResponse.Status
            (status, body) = try await client.call(.post, "/api/v1/work/fail", key: workKey,
                                                  json: #"{"lease": "\#(first)", "error": "HubSpot answered 429", "retry_in_seconds": 0}"#)
            #expect(status == .ok && ["retryable", "available"].contains(body["state"] as? String ?? ""), "due again at once: \(body)")
            try await conveyor.runMaintenance()
            (_, body) = try await client.call(.post, "/api/v1/work/fetch", key: workKey, json: fetch)
            let second = try Self.lease(body).token
            #expect(second != first)
            (status, body) = try await client.call(.post, "/api/v1/work/complete", key: workKey, json: #"{"lease": "\#(first)"}"#)
            #expect(status == .conflict, "the first attempt's lease: \(body)")
            (status, body) = try await client.call(.post, "/api/v1/work/fail", key: workKey, json: #"{"lease": "\#(second)", "error": "still 429"}"#)
            #expect(status == .ok && body["state"] as? String == "discarded", "the last attempt's failure discards: \(body)")
            #expect(try await conveyor.job(id: job.id).errors.map(\.message) == ["HubSpot answered 429", "still 429"])
        }
    }

    /// A long poll returns as soon as a job is enqueued; a cancelled job's heartbeat says so and
    /// its lease can no longer complete it; a paused queue leases nothing.
    @Test(.timeLimit(.minutes(1)))
    func longPollCancellationAndPause() async throws {
        let clock = ManualClock()
        try await withAPI(timers: clock.timers) { client, conveyor in
            async let polled = client.call(.post, "/api/v1/work/fetch", key: workKey,
                                           json: #"{"worker": "js-1", "queues": ["default"], "wait_seconds": 30}"#)
            // The fetch is waiting once its wait sleeps on the node's clock.
            await clock.waitForSleepers(1)
            let job = try await conveyor.enqueue(kind: "noop").job
            let (status, body) = try await polled
            #expect(status == .ok)
            let (token, leased) = try Self.lease(body)
            #expect(leased["id"] as? Int == Int(job.id))

            _ = try await conveyor.cancel(id: job.id, reason: "source deleted")
            var (heartbeatStatus, renewal) = try await client.call(.post, "/api/v1/work/heartbeat", key: workKey,
                                                                  json: #"{"worker": "js-1", "queues": ["default"], "leases": ["\#(token)"]}"#)
            #expect(heartbeatStatus == .ok && renewal["cancelled"] as? [String] == [token], "\(renewal)")
            (heartbeatStatus, renewal) = try await client.call(.post, "/api/v1/work/complete", key: workKey, json: #"{"lease": "\#(token)"}"#)
            #expect(heartbeatStatus == .conflict)
            #expect(try await conveyor.job(id: job.id).state == .cancelled)

            try await conveyor.pause(queue: "default")
            _ = try await conveyor.enqueue(kind: "noop")
            async let pausedPoll = client.call(.post, "/api/v1/work/fetch", key: workKey, json: #"{"worker": "js-1", "queues": ["default"], "wait_seconds": 0.2}"#)
            await clock.waitForSleepers(1)
            clock.advance(by: .seconds(1))
            let (_, paused) = try await pausedPoll
            #expect((paused["leases"] as? [Any])?.isEmpty == true, "a paused queue leases nothing")
        }
    }

    /// A worker's key works its queues only; a read key cannot lease; bad input names the field.
    @Test func keysScopesAndBadInput() async throws {
        try await withAPI { client, conveyor in
            let other = try await conveyor.enqueue(kind: "noop", options: EnqueueOptions(queue: "billing")).job
            var (status, body) = try await client.call(.post, "/api/v1/work/fetch", key: workKey, json: #"{"worker": "w", "queues": ["billing"]}"#)
            #expect(status == .forbidden, "\(body)")
            (status, _) = try await client.call(.post, "/api/v1/work/fetch", key: readKey, json: #"{"worker": "w", "queues": ["default"]}"#)
            #expect(status == .forbidden)
            (status, body) = try await client.call(.post, "/api/v1/work/fetch", key: writeKey, json: #"{"worker": "w", "queues": ["billing"]}"#)
            let (token, _) = try Self.lease(body)
            (status, _) = try await client.call(.post, "/api/v1/work/complete", key: workKey, json: #"{"lease": "\#(token)"}"#)
            #expect(status == .forbidden, "a job of another queue")
            #expect(try await conveyor.job(id: other.id).state == .executing)

            let bad: [(String, String, String)] = [
                ("/api/v1/work/fetch", #"{"worker": "has space", "queues": ["default"]}"#, "worker"),
                ("/api/v1/work/fetch", #"{"worker": "w", "queues": []}"#, "queues"),
                ("/api/v1/work/fetch", #"{"worker": "w", "queues": ["default"], "limit": 0}"#, "limit"),
                ("/api/v1/work/fetch", #"{"worker": "w", "queues": ["default"], "slots": 0}"#, "slots"),
                ("/api/v1/work/heartbeat", #"{"worker": "w", "queues": ["default"], "slots": 100001}"#, "slots"),
                ("/api/v1/work/fetch", #"{"worker": "w", "queues": ["default"], "wait_seconds": 600}"#, "wait_seconds"),
                ("/api/v1/work/complete", #"{"lease": "not-a-lease"}"#, "lease"),
                ("/api/v1/work/progress", #"{"lease": "\#(token)", "progress": 2}"#, "progress"),
                ("/api/v1/work/snooze", #"{"lease": "\#(token)", "seconds": -1}"#, "seconds"),
            ]
            for (path, json, field) in bad {
                (status, body) = try await client.call(.post, path, key: adminKey, json: json)
                #expect(status == .badRequest && body.error.field == field, "\(path) \(json): \(body)")
            }
            #expect(try await conveyor.job(id: other.id).state == .executing, "nothing changed")
        }
    }

    /// A worker process declares its kinds: an enqueue by kind name (no queue named) gets the
    /// declared queue, priority, attempts and tags; the job carries the backoff and timeout,
    /// the lease hands the timeout to the worker, and a failure is retried by the backoff.
    @Test func declaredKindsGiveTheirOptionsToEnqueuesByKind() async throws {
        try await withAPI { client, conveyor in
            let declare = #"""
                {"worker": "node-1", "kinds": [
                  {"kind": "app.process_text", "queue": "default", "priority": 2, "max_attempts": 4, "tags": ["sources"],
                   "backoff": {"type": "fixed", "base_seconds": 30}, "timeout_seconds": 300},
                  {"kind": "app.crawl"}]}
                """#
            var (status, body) = try await client.call(.post, "/api/v1/work/declare", key: workKey, json: declare)
            #expect(status == .ok && body["declared"] as? [String] == ["app.process_text", "app.crawl"], "\(body)")

            (status, body) = try await client.call(.post, "/api/v1/jobs", key: writeKey, json: #"{"kind": "app.process_text", "args": {"source_id": "s-1"}}"#)
            #expect(status == .created, "\(body)")
            #expect(body["queue"] as? String == "default" && body["priority"] as? Int == 2 && body["max_attempts"] as? Int == 4)
            #expect(body["tags"] as? [String] == ["sources"])
            let own = try await conveyor.enqueue(kind: "app.process_text", options: EnqueueOptions(timeout: .seconds(5))).job
            #expect(own.meta.value["timeout_seconds"] == .number(5), "an enqueue's own timeout wins")
            _ = try await conveyor.cancel(id: own.id)

            (status, body) = try await client.call(.post, "/api/v1/work/fetch", key: workKey, json: #"{"worker": "node-1", "queues": ["default"]}"#)
            let leases = try #require(body["leases"] as? [[String: Any]])
            #expect(leases.count == 1 && leases[0]["timeout_seconds"] as? Double == 300, "\(body)")
            let (token, job) = try Self.lease(body)
            (status, body) = try await client.call(.post, "/api/v1/work/fail", key: workKey, json: #"{"lease": "\#(token)", "error": "timed out after 300 s"}"#)
            #expect(status == .ok && body["state"] as? String == "retryable", "\(body)")
            let failed = try await conveyor.job(id: Int64(try #require(job["id"] as? Int)))
            let failedAt = try #require(failed.errors.last?.at)
            // An error's time is stored to the second.
            #expect((29...31).contains(failed.scheduledAt.timeIntervalSince(failedAt)), "the declared fixed backoff: \(failed.scheduledAt) after \(failedAt)")

            (status, body) = try await client.call(.post, "/api/v1/jobs", key: writeKey, json: #"{"kind": "app.crawl"}"#)
            #expect(status == .created && body["max_attempts"] as? Int == JobOptions.defaultMaxAttempts, "\(body)")
            (status, body) = try await client.call(.post, "/api/v1/work/fetch", key: workKey, json: #"{"worker": "node-1", "queues": ["default"]}"#)
            #expect((body["leases"] as? [[String: Any]])?.first?["timeout_seconds"] == nil, "no timeout declared: \(body)")

            let refused: [(String, String, HTTPResponse.Status, String?)] = [
                (workKey, #"{"worker": "node-1", "kinds": [{"kind": "app.bill", "queue": "billing"}]}"#, .forbidden, nil),
                (readKey, #"{"worker": "node-1", "kinds": [{"kind": "app.crawl"}]}"#, .forbidden, nil),
                (workKey, #"{"worker": "node-1", "kinds": [{"kind": "app.a", "priority": 12}]}"#, .badRequest, "kinds[0].priority"),
                (workKey, #"{"worker": "node-1", "kinds": [{"kind": "app.a", "timeout_seconds": 0}]}"#, .badRequest, "kinds[0].timeout_seconds"),
                (workKey, #"{"worker": "node-1", "kinds": [{"kind": "app.a", "backoff": {"type": "fixed", "base_seconds": -1}}]}"#, .badRequest,
                 "kinds[0].backoff.base_seconds"),
                (workKey, #"{"worker": "no spaces", "kinds": [{"kind": "app.a"}]}"#, .badRequest, "worker"),
            ]
            for (key, json, expected, field) in refused {
                (status, body) = try await client.call(.post, "/api/v1/work/declare", key: key, json: json)
                #expect(status == expected && (field == nil || body.error.field == field), "\(json): \(status) \(body)")
            }
            (status, body) = try await client.call(.post, "/api/v1/jobs", key: writeKey, json: #"{"kind": "app.a"}"#)
            #expect(status == .unprocessableContent && body.error.code == "unknown_kind", "nothing of a refused declaration was stored: \(body)")

            (status, body) = try await client.call(.post, "/api/v1/work/declare", key: workKey,
                                                  json: #"{"worker": "node-1", "kinds": [{"kind": "app.b", "priority": 1}, {"kind": "app.b", "priority": 4}]}"#)
            #expect(status == .ok && body["declared"] as? [String] == ["app.b"], "\(body)")
            (status, body) = try await client.call(.post, "/api/v1/jobs", key: writeKey, json: #"{"kind": "app.b"}"#)
            #expect(status == .created && body["priority"] as? Int == 4, "a kind named twice takes its later options: \(body)")
        }
    }
}
