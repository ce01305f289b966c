import Conveyor
import ConveyorTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("API: queues, schedules and nodes over HTTP")
struct QueuesAndSchedulesAPITests {
    @Test func schedulesAreListedByFilterAPageAtATime() async throws {
        try await withAPI { client, conveyor in
            for (name, active) in [("alpha", true), ("beta", false), ("gamma", false)] {
                try await conveyor.addSchedule(ScheduleDefinition(name: name, kind: "noop", recurrence: .daily(hour: 6)), active: active)
            }
            var (status, body) = try await client.call(.get, "/api/v1/schedules?active=false&kind=noop&limit=1", key: readKey)
            #expect(status == .ok)
            #expect((body["schedules"] as? [[String: Any]])?.map { $0["name"] as? String } == ["beta"])
            #expect(body["next_after"] as? String == "beta")
            (_, body) = try await client.call(.get, "/api/v1/schedules?active=false&after=beta", key: readKey)
            #expect((body["schedules"] as? [[String: Any]])?.map { $0["name"] as? String } == ["gamma"])
            #expect(body["next_after"] == nil || body["next_after"] is NSNull)
            (status, body) = try await client.call(.get, "/api/v1/schedules?active=maybe", key: readKey)
            #expect(status == .badRequest && body.error.field == "active")
        }
    }

    @Test func queuesPauseResumeAndLimits() async throws {
        try await withAPI { client, conveyor in
            _ = try await client.call(.post, "/api/v1/jobs", json: #"{"kind": "noop"}"#)
            var (status, body) = try await client.call(.post, "/api/v1/queues/default/pause")
            #expect(status == .ok && body["paused"] as? Bool == true)
            (status, body) = try await client.call(.put, "/api/v1/queues/default/limits", json: #"{"concurrency": 5, "rate": {"count": 100, "period_seconds": 60}}"#)
            #expect(status == .ok)
            let limits = body["limits"] as? [String: Any]
            #expect(limits?["concurrency"] as? Int == 5)
            (status, body) = try await client.call(.put, "/api/v1/queues/default/limits", json: #"{"concurrency": 0}"#)
            #expect(status == .badRequest && body.error.field == "concurrency")
            (status, body) = try await client.call(.put, "/api/v1/queues/default/limits", json: #"{"rate": {"count": 5, "period_seconds": 1e40}}"#)
            #expect(status == .badRequest && body.error.field == "rate.period_seconds")
            (status, body) = try await client.call(.post, "/api/v1/queues/has%20space/pause")
            #expect(status == .badRequest && body.error.field == "queue")
            (status, body) = try await client.call(.get, "/api/v1/queues", key: readKey)
            let queues = try #require(body["queues"] as? [[String: Any]])
            #expect(queues.first?["name"] as? String == "default")
            #expect((queues.first?["counts"] as? [String: Any])?["available"] as? Int == 1)
            (status, body) = try await client.call(.post, "/api/v1/queues/default/resume")
            #expect(status == .ok && body["paused"] as? Bool == false)
            #expect(try await conveyor.queues().first?.limits.concurrency == 5)
            (status, body) = try await client.call(.get, "/api/v1/queues/default/activity?minutes=5", key: readKey)
            #expect(status == .ok && (body["minutes"] as? [Any])?.count == 5)
            (status, body) = try await client.call(.get, "/api/v1/queues/default/activity?minutes=0", key: readKey)
            #expect(status == .badRequest && body.error.field == "minutes")
            (status, body) = try await client.call(.get, "/api/v1/nodes", key: readKey)
            #expect(status == .ok && body["nodes"] is [Any])
        }
    }

    /// Retention per queue set over HTTP is shown with the queue and used by the next pruning
    /// pass; bad input names the field and changes nothing.
    @Test func queueRetentionIsSetShownAndApplied() async throws {
        try await withAPI { client, conveyor in
            for _ in 0..<12 { _ = try await client.call(.post, "/api/v1/jobs", json: #"{"kind": "noop"}"#) }
            #expect(try await conveyor.drain().count == 12)
            var (status, body) = try await client.call(.put, "/api/v1/queues/default/retention",
                                                      json: #"{"completed": {"keep_last": 5}, "discarded": {"max_age_seconds": 604800, "keep_last": 500}}"#)
            #expect(status == .ok, "\(body)")
            let retention = body["retention"] as? [String: Any]
            #expect((retention?["completed"] as? [String: Any])?["keep_last"] as? Int == 5)
            #expect((retention?["discarded"] as? [String: Any])?["max_age_seconds"] as? Double == 604_800)
            try await conveyor.runMaintenance()
            #expect(try await conveyor.jobs(matching: JobFilter(states: [.completed], limit: 100)).count == 5)

            let bad: [(String, String)] = [
                (#"{"completed": {"keep_last": -1}}"#, "completed.keep_last"),
                (#"{"completed": {"max_age_seconds": 0}}"#, "completed.max_age_seconds"),
                (#"{"complete": {"keep_last": 5}}"#, "complete"),
                (#"{"discarded": {"keep": 5}}"#, "discarded.keep"),
            ]
            for (json, field) in bad {
                (status, body) = try await client.call(.put, "/api/v1/queues/default/retention", json: json)
                #expect(status == .badRequest && body.error.field == field, "\(json): \(body)")
            }
            (status, body) = try await client.call(.put, "/api/v1/queues/has%20space/retention", json: #"{}"#)
            #expect(status == .badRequest && body.error.field == "queue")
            (status, body) = try await client.call(.put, "/api/v1/queues/default/retention", key: writeKey, json: #"{"completed": {"keep_last": 5}}"#)
            #expect(status == .forbidden)
            #expect(try await conveyor.queues().first?.retention?.completed == .keepLast(5), "nothing changed")

            (status, body) = try await client.call(.put, "/api/v1/queues/default/retention", json: #"{}"#)
            #expect(status == .ok && (body["retention"] == nil || body["retention"] is NSNull))
        }
    }

    /// A schedule created over HTTP without `max_consecutive_failures` stops after five failed
    /// runs in a row, as one declared in Swift or with the CLI does.
    @Test func anAPICreatedScheduleDeactivatesAfterFiveFailedRuns() async throws {
        try await withAPI { client, conveyor in
            var (status, body) = try await client.call(.post, "/api/v1/schedules",
                                                      json: #"{"name": "flaky", "kind": "fail", "recurrence": {"type": "manual"}, "max_attempts": 1}"#)
            #expect(status == .created && body["max_consecutive_failures"] as? Int == 5, "\(body)")
            for run in 1...5 {
                (status, _) = try await client.call(.post, "/api/v1/schedules/flaky/trigger")
                #expect(status == .created)
                #expect(try await conveyor.drain().map(\.state) == [.discarded])
                (_, body) = try await client.call(.get, "/api/v1/schedules/flaky", key: readKey)
                #expect(body["consecutive_failures"] as? Int == run)
                #expect(body["active"] as? Bool == (run < 5), "run \(run)")
            }
            #expect((body["disabled_reason"] as? String)?.isEmpty == false, "\(body)")
        }
    }

    @Test func schedulesCreateShowChangeTriggerAndDelete() async throws {
        try await withAPI { client, conveyor in
            let json = #"{"name": "brief", "kind": "noop", "recurrence": {"type": "daily", "hour": 8}, "time_zone": "America/New_York", "overlap": "skip"}"#
            var (status, body) = try await client.call(.post, "/api/v1/schedules", json: json)
            #expect(status == .created, "\(body)")
            #expect(body["cron"] as? String == "0 8 * * *")
            #expect(body["active"] as? Bool == true)
            #expect(body["next_run_at"] is String)
            (status, body) = try await client.call(.post, "/api/v1/schedules", json: json)
            #expect(status == .conflict && body.error.field == "name")

            let bad: [(String, String)] = [
                (#"{"name": "a", "kind": "noop", "recurrence": {"type": "daily", "hour": 24}}"#, "recurrence.hour"),
                (#"{"name": "a", "kind": "noop", "recurrence": {"type": "monthly", "day": 32, "hour": 8}}"#, "recurrence.day"),
                (#"{"name": "a", "kind": "noop", "recurrence": {"type": "cron", "expression": "61 * * * *"}}"#, "cron"),
                (#"{"name": "a", "kind": "noop", "recurrence": {"type": "daily", "hour": 8}, "time_zone": "Mars/Olympus"}"#, "timezone"),
                (#"{"name": "a", "kind": "noop", "recurrence": {"type": "sometimes"}}"#, "recurrence.type"),
                (#"{"name": "a", "kind": "noop"}"#, "recurrence"),
                (#"{"name": "a", "kind": "noop", "recurrence": {"type": "every", "seconds": 1e30}}"#, "recurrence.seconds"),
                (#"{"name": "a", "kind": "noop", "recurrence": {"type": "daily", "hour": 8}, "misfire_grace_seconds": -5}"#, "misfire_grace_seconds"),
            ]
            for (json, field) in bad {
                (status, body) = try await client.call(.post, "/api/v1/schedules", json: json)
                #expect(status == .badRequest, "\(json): \(body)")
                #expect(body.error.field == field, "\(json): \(body)")
            }

            // The path names the schedule: a body naming another is refused, and the name may be left out.
            (status, body) = try await client.call(.put, "/api/v1/schedules/brief", json: #"{"name": "other", "kind": "noop", "recurrence": {"type": "cron", "expression": "*/5 * * * *"}}"#)
            #expect(status == .badRequest && body.error.field == "name", "\(body)")
            (status, body) = try await client.call(.put, "/api/v1/schedules/brief", json: #"{"kind": "noop", "recurrence": {"type": "cron", "expression": "*/5 * * * *"}}"#)
            #expect(status == .ok && body["name"] as? String == "brief" && body["cron"] as? String == "*/5 * * * *")
            (status, body) = try await client.call(.post, "/api/v1/schedules/brief/trigger", key: writeKey)
            #expect(status == .created && body["kind"] as? String == "noop")
            (status, body) = try await client.call(.post, "/api/v1/schedules/brief/deactivate")
            #expect(status == .ok && body["active"] as? Bool == false)
            (status, body) = try await client.call(.post, "/api/v1/schedules/brief/activate")
            #expect(status == .ok && body["active"] as? Bool == true)
            (status, body) = try await client.call(.get, "/api/v1/schedules", key: readKey)
            #expect((body["schedules"] as? [[String: Any]])?.count == 1)
            (status, body) = try await client.call(.get, "/api/v1/scheduler?count=3", key: readKey)
            #expect(status == .ok && body["active_schedules"] as? Int == 1)
            #expect((body["next_fires"] as? [[String: Any]])?.count == 3)
            #expect((body["next_fires"] as? [[String: Any]])?.first?["schedule"] as? String == "brief")
            #expect(body["running"] as? Bool == false, "no node has heartbeated in this test")
            (status, body) = try await client.call(.get, "/api/v1/scheduler?count=0", key: readKey)
            #expect(status == .badRequest && body.error.field == "count")
            (status, _) = try await client.call(.delete, "/api/v1/schedules/brief")
            #expect(status == .noContent)
            (status, body) = try await client.call(.get, "/api/v1/schedules/brief", key: readKey)
            #expect(status == .notFound && body.error.field == "name")
            #expect(try await conveyor.schedules().isEmpty)
            #expect(try await conveyor.jobs().count == 1)
        }
    }
}
