import Conveyor
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("API: jobs over HTTP")
struct JobsAPITests {
    @Test func enqueueShowListRetryCancelDelete() async throws {
        try await withAPI { client, conveyor in
            var (status, body) = try await client.call(.post, "/api/v1/jobs", key: writeKey, json: #"{"kind": "sleep", "args": {"ms": 5}, "queue": "slow", "priority": 3, "tags": ["api"]}"#)
            #expect(status == .created)
            let id = try #require(body["id"] as? Int)
            #expect(body["state"] as? String == "available")
            #expect(body["queue"] as? String == "slow")
            #expect(body["duplicate"] as? Bool == false)

            (status, body) = try await client.call(.get, "/api/v1/jobs/\(id)", key: readKey)
            #expect(status == .ok)
            #expect(body["kind"] as? String == "sleep")
            #expect((body["args"] as? [String: Any])?["ms"] as? Int == 5)

            for n in 0..<3 { _ = try await client.call(.post, "/api/v1/jobs", json: #"{"kind": "noop", "args": {"n": \#(n)}}"#) }
            (status, body) = try await client.call(.get, "/api/v1/jobs?kind=noop&limit=2", key: readKey)
            let page = try #require(body["jobs"] as? [[String: Any]])
            #expect(page.count == 2)
            let cursor = try #require(body["next_before_id"] as? Int)
            (_, body) = try await client.call(.get, "/api/v1/jobs?kind=noop&limit=2&before_id=\(cursor)", key: readKey)
            #expect((body["jobs"] as? [[String: Any]])?.count == 1)
            #expect(body["next_before_id"] == nil || body["next_before_id"] is NSNull)
            (_, body) = try await client.call(.get, "/api/v1/jobs?state=available,scheduled&queue=slow&tag=api", key: readKey)
            #expect((body["jobs"] as? [[String: Any]])?.map { $0["id"] as? Int } == [id])

            (status, body) = try await client.call(.post, "/api/v1/jobs/\(id)/cancel?reason=not%20needed", key: writeKey)
            #expect(status == .ok)
            #expect(body["state"] as? String == "cancelled")
            (status, body) = try await client.call(.post, "/api/v1/jobs/\(id)/cancel", key: writeKey)
            #expect(status == .conflict)
            #expect(body.error.code == "conflict" && body.error.field == "state")
            (status, body) = try await client.call(.post, "/api/v1/jobs/\(id)/retry", key: writeKey)
            #expect(status == .ok && body["state"] as? String == "available")
            (status, _) = try await client.call(.delete, "/api/v1/jobs/\(id)")
            #expect(status == .ok)
            (status, body) = try await client.call(.get, "/api/v1/jobs/\(id)", key: readKey)
            #expect(status == .notFound)
            #expect(body.error.code == "not_found" && body.error.field == "id")
            #expect(try await conveyor.jobs().count == 3)
        }
    }

    /// With no node running the kind, an enqueue by kind takes the options its nodes declared.
    @Test func anEnqueueByKindTakesTheDeclaredOptionsWhileNoWorkerRuns() async throws {
        try await withAPI { client, conveyor in
            try await conveyor.store.declareKinds([DeclaredKind(kind: "crm.sync_contact", options: JobOptions(queue: "crm", maxAttempts: 3),
                                                                node: "worker-1", at: Date())])
            var (status, body) = try await client.call(.post, "/api/v1/jobs", key: writeKey, json: #"{"kind": "crm.sync_contact", "args": {"contact": 7}}"#)
            #expect(status == .created && body["queue"] as? String == "crm" && body["max_attempts"] as? Int == 3, "\(body)")
            (status, body) = try await client.call(.post, "/api/v1/jobs", key: writeKey, json: #"{"kind": "unseen.kind"}"#)
            #expect(status == .unprocessableContent && body.error.code == "unknown_kind" && body.error.field == "kind")
            (status, body) = try await client.call(.post, "/api/v1/jobs", key: writeKey, json: #"{"kind": "unseen.kind", "queue": "elsewhere"}"#)
            #expect(status == .created && body["queue"] as? String == "elsewhere")
        }
    }

    @Test func anEnqueueMayGiveItsOwnBackoffAndTimeout() async throws {
        try await withAPI { client, _ in
            var (status, body) = try await client.call(.post, "/api/v1/jobs", key: writeKey, json: """
                {"kind": "noop", "backoff": {"type": "linear", "base_seconds": 10, "step_seconds": 5}, "timeout_seconds": 2.5}
                """)
            #expect(status == .created)
            let meta = try #require(body["meta"] as? [String: Any])
            #expect(meta["timeout_seconds"] as? Double == 2.5)
            #expect((meta["backoff"] as? [String: Any])?["type"] as? String == "linear")
            for (json, field) in [
                (#"{"kind": "noop", "backoff": {"type": "exponential", "base_seconds": 1, "factor": 0.5}}"#, "backoff.factor"),
                (#"{"kind": "noop", "backoff": {"type": "sometimes", "base_seconds": 1}}"#, "backoff.type"),
                (#"{"kind": "noop", "timeout_seconds": 0}"#, "timeout_seconds"),
            ] {
                (status, body) = try await client.call(.post, "/api/v1/jobs", key: writeKey, json: json)
                #expect(status == .badRequest && body.error.field == field, "\(json): \(body)")
            }
        }
    }

    @Test func bulkCancelAndRetryByFilter() async throws {
        try await withAPI { client, conveyor in
            for n in 0..<3 { _ = try await client.call(.post, "/api/v1/jobs", json: #"{"kind": "noop", "queue": "bulk", "args": {"n": \#(n)}}"#) }
            _ = try await client.call(.post, "/api/v1/jobs", json: #"{"kind": "noop", "queue": "other"}"#)
            var (status, body) = try await client.call(.post, "/api/v1/jobs/cancel?queue=bulk&reason=cleanup", key: writeKey)
            #expect(status == .ok && body["count"] as? Int == 3)
            #expect((body["ids"] as? [Int])?.count == 3)
            (status, body) = try await client.call(.post, "/api/v1/jobs/retry?state=cancelled&queue=bulk", key: writeKey)
            #expect(status == .ok && body["count"] as? Int == 3)
            (status, body) = try await client.call(.post, "/api/v1/jobs/cancel", key: writeKey)
            #expect(status == .badRequest && body.error.field == "filter")
            (status, body) = try await client.call(.post, "/api/v1/jobs/retry?state=finished", key: writeKey)
            #expect(status == .badRequest && body.error.field == "state")
            (status, _) = try await client.call(.post, "/api/v1/jobs/cancel?queue=bulk", key: readKey)
            #expect(status == .forbidden)
            let states = try await conveyor.jobs().map(\.state)
            #expect(states.filter { $0 == .available }.count == 4)
        }
    }

    /// Seed 004's scoping over HTTP: list, count and cancel by two tags and an args filter
    /// touch exactly the matching jobs.
    @Test func listCountAndCancelByTagsAndArgs() async throws {
        try await withAPI { client, conveyor in
            for agent in [7, 8] {
                for source in ["s-12", "s-13"] {
                    let json = #"{"kind": "noop", "args": {"source_id": "\#(source)", "agent": \#(agent)}, "tags": ["agent:\#(agent)", "source:\#(source)"]}"#
                    (_, _) = try await client.call(.post, "/api/v1/jobs", json: json)
                }
            }
            let args = #"{"source_id":"s-12"}"#.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            var (status, body) = try await client.call(.get, "/api/v1/jobs?tag=agent%3A7&tag=source%3As-12", key: readKey)
            #expect(status == .ok)
            let listed = try #require(body["jobs"] as? [[String: Any]])
            #expect(listed.count == 1 && (listed[0]["tags"] as? [String])?.sorted() == ["agent:7", "source:s-12"])
            (status, body) = try await client.call(.get, "/api/v1/jobs/count?args=\(args)", key: readKey)
            #expect(status == .ok && body["count"] as? Int == 2, "\(body)")
            (status, body) = try await client.call(.get, "/api/v1/jobs/count?tag=agent%3A8&args=\(args)", key: readKey)
            #expect(body["count"] as? Int == 1)
            (status, body) = try await client.call(.post, "/api/v1/jobs/cancel?tag=agent%3A7&args=\(args)&reason=source%20deleted", key: writeKey)
            #expect(status == .ok && body["count"] as? Int == 1)
            #expect(try await conveyor.countJobs(matching: JobFilter(states: [.cancelled], tags: ["agent:7", "source:s-12"])) == 1)
            #expect(try await conveyor.countJobs(matching: JobFilter(states: [.available])) == 3)

            let bad: [(String, String)] = [
                ("/api/v1/jobs?args=%7Bnope", "args"),
                ("/api/v1/jobs/count?args=%5B1%5D", "args"),
                ("/api/v1/jobs?args=%22s-12%22", "args"),
                ("/api/v1/jobs/count?tag=", "tag"),
            ]
            for (uri, field) in bad {
                (status, body) = try await client.call(.get, uri, key: readKey)
                #expect(status == .badRequest && body.error.field == field, "\(uri): \(body)")
            }
            (status, body) = try await client.call(.post, "/api/v1/jobs/cancel?args=%5B%22s-12%22%5D", key: writeKey)
            #expect(status == .badRequest && body.error.field == "args")
            #expect(try await conveyor.countJobs(matching: JobFilter(states: [.cancelled])) == 1, "nothing changed")
        }
    }

    /// Many jobs in one call and one transaction, each with its kind's defaults; a unique one
    /// already held comes back as a duplicate; one bad job refuses the call, naming it.
    @Test func bulkEnqueueInsertsAllOrNothing() async throws {
        try await withAPI { client, conveyor in
            _ = try await client.call(.post, "/api/v1/jobs", json: #"{"kind": "noop", "args": {"key": "held"}, "unique": {"by": "args"}}"#)
            let jobs = (0..<50).map { #"{"kind": "sleep", "args": {"ms": \#($0)}, "tags": ["fan-out"]}"# }
                + [#"{"kind": "noop", "args": {"key": "held"}, "unique": {"by": "args"}}"#, #"{"kind": "app.unseen", "queue": "elsewhere"}"#]
            var (status, body) = try await client.call(.post, "/api/v1/jobs/bulk", key: writeKey, json: #"{"jobs": [\#(jobs.joined(separator: ", "))]}"#)
            #expect(status == .created, "\(body)")
            #expect(body["inserted"] as? Int == 51 && body["duplicates"] as? Int == 1)
            let listed = try #require(body["jobs"] as? [[String: Any]])
            #expect(listed.count == 52 && listed[50]["duplicate"] as? Bool == true && listed[51]["queue"] as? String == "elsewhere")
            #expect(try await conveyor.countJobs(matching: JobFilter(tags: ["fan-out"])) == 50)

            let bad = [#"{"kind": "noop", "tags": ["rollback"]}"#, #"{"kind": "noop", "priority": 12}"#]
            (status, body) = try await client.call(.post, "/api/v1/jobs/bulk", key: writeKey, json: #"{"jobs": [\#(bad.joined(separator: ", "))]}"#)
            #expect(status == .badRequest && body.error.field == "jobs[1].priority", "\(body)")
            (status, body) = try await client.call(.post, "/api/v1/jobs/bulk", key: writeKey, json: #"{"jobs": [{"kind": "never.declared"}]}"#)
            #expect(status == .unprocessableContent && body.error.field == "jobs[0].kind", "\(body)")
            (status, body) = try await client.call(.post, "/api/v1/jobs/bulk", key: writeKey, json: #"{"jobs": []}"#)
            #expect(status == .badRequest && body.error.field == "jobs")
            (status, _) = try await client.call(.post, "/api/v1/jobs/bulk", key: readKey, json: #"{"jobs": [{"kind": "noop"}]}"#)
            #expect(status == .forbidden)
            #expect(try await conveyor.countJobs(matching: JobFilter(tags: ["rollback"])) == 0, "nothing of a refused call is stored")
        }
    }

    @Test func uniqueEnqueueAnswersTheExistingJob() async throws {
        try await withAPI { client, _ in
            // A day's period: the key holds the period's bucket, so two calls that straddle a
            // bucket's end are two jobs (with 60 s, a run at a minute's turn failed).
            let json = #"{"kind": "noop", "args": {"user": 7}, "unique": {"by": "keys", "keys": ["user"], "period_seconds": 86400}}"#
            let (first, created) = try await client.call(.post, "/api/v1/jobs", json: json)
            let (second, again) = try await client.call(.post, "/api/v1/jobs", json: json)
            #expect(first == .created && second == .ok)
            #expect(again["duplicate"] as? Bool == true)
            #expect(again["id"] as? Int == created["id"] as? Int)
        }
    }

    /// Every bad request is refused with the field at fault, and nothing is stored.
    @Test func badRequestsNameTheFieldAndChangeNothing() async throws {
        try await withAPI { client, conveyor in
            let cases: [(String, String, HTTPResponse.Status, String, String)] = [
                ("POST", "{not json", .badRequest, "invalid_input", "body"),
                ("POST", #"{"args": {}}"#, .badRequest, "invalid_input", "kind"),
                ("POST", #"{"kind": 5}"#, .badRequest, "invalid_input", "kind"),
                ("POST", #"{"kind": "noop", "priority": "high"}"#, .badRequest, "invalid_input", "priority"),
                ("POST", #"{"kind": "noop", "priority": 12}"#, .badRequest, "invalid_input", "priority"),
                ("POST", #"{"kind": "noop", "args": [1]}"#, .badRequest, "invalid_input", "args"),
                ("POST", #"{"kind": "sleep", "args": {"ms": "long"}}"#, .unprocessableContent, "invalid_arguments", "args"),
                ("POST", #"{"kind": "no.such.kind"}"#, .unprocessableContent, "unknown_kind", "kind"),
                ("POST", #"{"kind": "noop", "unique": {"by": "colour"}}"#, .badRequest, "invalid_input", "unique.by"),
                ("POST", #"{"kind": "noop", "delay_seconds": -1}"#, .badRequest, "invalid_input", "delay_seconds"),
                ("POST", #"{"kind": "noop", "delay_seconds": 1e30}"#, .badRequest, "invalid_input", "delay_seconds"),
                ("POST", #"{"kind": "noop", "unique": {"period_seconds": 1e300}}"#, .badRequest, "invalid_input", "unique.period_seconds"),
            ]
            for (_, json, status, code, field) in cases {
                let (answered, body) = try await client.call(.post, "/api/v1/jobs", json: json)
                #expect(answered == status, "\(json): \(body)")
                #expect(body.error.code == code, "\(json): \(body)")
                #expect(body.error.field == field, "\(json): \(body)")
                #expect(body.error.message?.isEmpty == false)
            }
            let queries: [(String, String)] = [
                ("/api/v1/jobs?state=finished", "state"), ("/api/v1/jobs?limit=0", "limit"), ("/api/v1/jobs?limit=many", "limit"),
                ("/api/v1/jobs?inserted_after=yesterday", "inserted_after"), ("/api/v1/jobs/abc", "id"),
            ]
            for (uri, field) in queries {
                let (status, body) = try await client.call(.get, uri, key: readKey)
                #expect(status == .badRequest, "\(uri): \(body)")
                #expect(body.error.field == field, "\(uri): \(body)")
            }
            #expect(try await conveyor.jobs().isEmpty)
        }
    }

    @Test func keysAreRequiredAndScopesHold() async throws {
        try await withAPI { client, conveyor in
            var (status, body) = try await client.call(.get, "/api/v1/jobs", key: nil)
            #expect(status == .unauthorized && body.error.code == "unauthorized")
            (status, body) = try await client.call(.get, "/api/v1/jobs", key: "not-a-key-at-all-really")
            #expect(status == .unauthorized)
            (status, body) = try await client.call(.post, "/api/v1/jobs", key: readKey, json: #"{"kind": "noop"}"#)
            #expect(status == .forbidden && body.error.code == "forbidden")
            #expect(body.error.message?.contains("write") == true)
            (status, _) = try await client.call(.post, "/api/v1/queues/default/pause", key: writeKey)
            #expect(status == .forbidden)
            (status, _) = try await client.call(.get, "/health", key: nil)
            #expect(status == .ok)
            (status, _) = try await client.call(.get, "/ready", key: nil)
            #expect(status == .ok)
            #expect(try await conveyor.jobs().isEmpty)
        }
    }
}
