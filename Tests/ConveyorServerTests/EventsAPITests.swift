import Conveyor
import ConveyorTesting
import Foundation
import HummingbirdTesting
import Testing

@Suite("API: live events")
struct EventsAPITests {
    /// `curl -N` on one job's event stream shows its progress and its completion.
    @Test(.timeLimit(.minutes(1)))
    func curlFollowsOneJobToItsEnd() async throws {
        try await withAPI(runQueues: true) { client, conveyor in
            let port = try #require(client.port)
            // Enqueued on a paused queue, so the stream is open before the job starts.
            try await conveyor.pause(queue: "default")
            let job = try await conveyor.enqueue(StepsWorker.self, args: .init()).job
            let other = try await conveyor.enqueue(kind: "noop").job
            let stream = try CurlStream(port: port, path: "/api/v1/events?job=\(job.id)")
            defer { stream.stop() }
            var text = ""
            // The stream is open once its first comment arrives; then the job may start.
            try await waitFor { text = try stream.text(); return text.contains(": conveyor events") }
            try await conveyor.resume(queue: "default")
            try await waitFor { text = try stream.text(); return text.contains("event: completed") }
            #expect(text.contains("event: started"), "\(text)")
            #expect(text.contains("event: progress"))
            #expect(text.contains("\"progress_message\":\"step 2\"") || text.contains("\"message\":\"step 2\""), "\(text)")
            #expect(text.contains("event: completed"))
            #expect(!text.contains("\"job_id\":\(other.id),"), "another job's events leaked into this job's stream")
        }
    }

    /// A quiet stream sends a comment every 15 s on the node's clock, so that proxies keep it open.
    @Test(.timeLimit(.minutes(1)))
    func aQuietStreamIsKeptAlive() async throws {
        let clock = ManualClock()
        try await withAPI(timers: clock.timers) { client, _ in
            let stream = try CurlStream(port: try #require(client.port), path: "/api/v1/events")
            defer { stream.stop() }
            let text = { try stream.text() }
            try await waitFor { try text().contains(": conveyor events") }
            await clock.waitForSleepers(1)
            clock.advance(by: .seconds(14))
            #expect(try !text().contains(": keep-alive"))
            clock.advance(by: .seconds(1))
            try await waitFor { try text().contains(": keep-alive") }
            await clock.waitForSleepers(1)
            clock.advance(by: .seconds(15))
            try await waitFor { try text().components(separatedBy: ": keep-alive").count == 3 }
        }
    }
}

/// `curl -N` on an event stream with a read key, writing what arrives to a file of its own.
struct CurlStream {
    let curl = Process()
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("events-\(UUID().uuidString).txt")

    init(port: Int, path: String) throws {
        _ = FileManager.default.createFile(atPath: file.path, contents: nil)
        curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        curl.arguments = ["-sN", "--max-time", "20", "-H", "Authorization: Bearer \(readKey)", "http://127.0.0.1:\(port)\(path)"]
        curl.standardOutput = try FileHandle(forWritingTo: file)
        try curl.run()
    }

    /// Everything the stream sent so far.
    func text() throws -> String { try String(contentsOf: file, encoding: .utf8) }

    func stop() {
        if curl.isRunning { curl.terminate() }
        try? FileManager.default.removeItem(at: file)
    }
}

/// Polls `condition` every 20 ms for up to 15 seconds.
func waitFor(_ condition: () throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(15)
    while try !condition() {
        guard ContinuousClock.now < deadline else { throw CancellationError() }
        try await Task.sleep(for: .milliseconds(20))
    }
}
