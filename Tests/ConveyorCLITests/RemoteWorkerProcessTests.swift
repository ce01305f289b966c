import Conveyor
import ConveyorSQLite
import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A worker process that stops renewing its lease is a node that stopped heartbeating: a real
/// `conveyor serve` rescues its job, another worker takes the next attempt, and the first
/// worker's late outcome is refused with 409 and changes nothing.
@Suite("CLI: workers over HTTP against a real server")
struct RemoteWorkerProcessTests {
    @Test(.timeLimit(.minutes(1)))
    func aSilentWorkersLeaseIsRescuedAndItsLateOutcomeRefused() async throws {
        let (folder, path, store) = try await makeSQLiteFolder()
        let job = try await store.insert([JobInsert(kind: "app.process_text", queue: "texts", args: RawJSON(["source_id": "s-12"]), maxAttempts: 3)], now: Date())[0].job
        // The server runs no Swift worker for the queue: only the worker processes take its jobs.
        let serve = try CLIProcess.start(["serve", "--port", "0", "--database", "sqlite:" + path, "--api-key", "\(HostileRequestsTests.adminKey):admin",
                                          "--heartbeat-interval", "200ms", "--rescue-after", "1s", "--poll-interval", "50ms"], in: folder, log: "serve.log")
        defer { if CLIProcess.exitStatus(of: serve) == nil { serve.terminate() } }
        let client = HostileRequestsTests.Client(base: "http://127.0.0.1:\(try await HostileRequestsTests.port(of: folder.appendingPathComponent("serve.log")))")

        let first = try await client.send("POST", "/api/v1/work/fetch", json: #"{"worker": "py-silent", "queues": ["texts"], "wait_seconds": 5}"#)
        let firstLease = try #require(((first.object?["leases"] as? [[String: Any]])?.first?["lease"]) as? String, "\(first.text)")
        // py-silent sends no heartbeat: after rescue-after the server's maintenance takes the job back.
        try await eventually(timeout: .seconds(20)) { try await store.job(id: job.id)?.state == .available }
        let rescued = try #require(try await store.job(id: job.id))
        #expect(rescued.errors.last?.message.contains("py-silent") == true, "\(rescued.errors.map(\.message))")

        let second = try await client.send("POST", "/api/v1/work/fetch", json: #"{"worker": "py-live", "queues": ["texts"], "wait_seconds": 5}"#)
        let secondLease = try #require(((second.object?["leases"] as? [[String: Any]])?.first?["lease"]) as? String, "\(second.text)")
        let late = try await client.send("POST", "/api/v1/work/complete", json: #"{"lease": "\#(firstLease)", "result": {"late": true}}"#)
        #expect(late.status == 409, "\(late.text)")
        let running = try #require(try await store.job(id: job.id))
        #expect(running.state == .executing && running.attempt == 2 && running.attemptedBy == "py-live" && running.result == nil, "nothing changed")
        let done = try await client.send("POST", "/api/v1/work/complete", json: #"{"lease": "\#(secondLease)", "result": {"vectors": 3}}"#)
        #expect(done.status == 200 && done.object?["state"] as? String == "completed", "\(done.text)")
        serve.terminate()
        #expect(try await CLIProcess.wait(serve) == 0)
    }
}
