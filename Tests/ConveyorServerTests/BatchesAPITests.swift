import Conveyor
import ConveyorTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("API: batches and outcome hooks over HTTP")
struct BatchesAPITests {
    @Test func aBatchEndsWithOneCallbackAndHooksFireAsJobs() async throws {
        try await withAPI { client, conveyor in
            let batch = #"""
                {"jobs": [{"kind": "noop", "args": {"n": 1}, "queue": "import"},
                          {"kind": "fail", "args": {"message": "no"}, "queue": "import", "max_attempts": 1,
                           "hooks": {"discarded": {"kind": "noop", "queue": "hooks"}}}],
                 "callback": {"kind": "noop", "queue": "callbacks", "args": {"user": 7}}}
                """#
            var (status, body) = try await client.call(.post, "/api/v1/batches", key: writeKey, json: batch)
            #expect(status == .created)
            let id = try #require((body["batch"] as? [String: Any])?["id"] as? Int)
            let jobIDs = try #require(body["job_ids"] as? [Int])
            #expect(jobIDs.count == 2)
            (_, body) = try await client.call(.get, "/api/v1/jobs?batch_id=\(id)", key: readKey)
            #expect(Set((body["jobs"] as? [[String: Any]])?.compactMap { $0["id"] as? Int } ?? []) == Set(jobIDs))

            _ = try await conveyor.drain(queue: "import")
            (status, body) = try await client.call(.get, "/api/v1/batches/\(id)", key: readKey)
            #expect(status == .ok)
            #expect(body["total"] as? Int == 2 && body["completed"] as? Int == 1 && body["discarded"] as? Int == 1)
            let callbackID = try #require(body["callback_job_id"] as? Int)
            (_, body) = try await client.call(.get, "/api/v1/jobs/\(callbackID)", key: readKey)
            let args = try #require(body["args"] as? [String: Any])
            #expect(args["batch_id"] as? Int == id && args["completed"] as? Int == 1 && args["discarded"] as? Int == 1)
            #expect((args["args"] as? [String: Any])?["user"] as? Int == 7)

            (_, body) = try await client.call(.get, "/api/v1/jobs?queue=hooks", key: readKey)
            let hooks = try #require(body["jobs"] as? [[String: Any]])
            #expect(hooks.count == 1)
            let outcome = try #require(hooks.first?["args"] as? [String: Any])
            #expect(outcome["job_id"] as? Int == jobIDs[1] && outcome["state"] as? String == "discarded" && outcome["kind"] as? String == "fail")

            (status, body) = try await client.call(.get, "/api/v1/batches?limit=1", key: readKey)
            #expect(status == .ok && (body["batches"] as? [[String: Any]])?.first?["id"] as? Int == id)
        }
    }

    @Test func badBatchesAreRefusedNamingTheFieldAndNothingIsStored() async throws {
        try await withAPI { client, conveyor in
            let cases: [(String, String)] = [
                (#"{"jobs": [], "callback": {"kind": "noop"}}"#, "jobs"),
                (#"{"jobs": [{"kind": "noop"}, {"kind": "noop", "priority": 12}], "callback": {"kind": "noop"}}"#, "jobs[1].priority"),
                (#"{"jobs": [{"kind": "noop", "unique": {}}], "callback": {"kind": "noop"}}"#, "jobs[0].unique"),
                (#"{"jobs": [{"kind": "noop"}], "callback": {"kind": "bad kind"}}"#, "callback.kind"),
                (#"{"jobs": [{"kind": "noop"}], "callback": {"kind": "noop", "args": [1]}}"#, "callback.args"),
                (#"{"jobs": [{"kind": "noop", "meta": {"batch_id": 3}}], "callback": {"kind": "noop"}}"#, "jobs[0].meta.batch_id"),
                (#"{"jobs": [{"kind": "noop"}]}"#, "callback"),
            ]
            for (json, field) in cases {
                let (status, body) = try await client.call(.post, "/api/v1/batches", key: writeKey, json: json)
                #expect(status == .badRequest, "\(json)")
                #expect(body.error.field == field, "\(json)")
            }
            let (status, body) = try await client.call(.post, "/api/v1/batches", key: writeKey,
                                                       json: #"{"jobs": [{"kind": "noop"}, {"kind": "nobody.runs.this"}], "callback": {"kind": "noop"}}"#)
            #expect(status == .unprocessableContent && body.error.field == "jobs[1].kind")
            var (code, _) = try await client.call(.get, "/api/v1/batches/999", key: readKey)
            #expect(code == .notFound)
            (code, _) = try await client.call(.get, "/api/v1/jobs?batch_id=x", key: readKey)
            #expect(code == .badRequest)
            #expect(try await conveyor.batches().isEmpty)
            #expect(try await conveyor.jobs().isEmpty)
        }
    }
}
