import Conveyor
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("API: Prometheus metrics")
struct MetricsAPITests {
    @Test func metricsShowOutcomesDepthsAndHistograms() async throws {
        try await withAPI(runQueues: true) { client, conveyor in
            let job = try await conveyor.enqueue(kind: "noop").job
            try await waitFor(async: { try await conveyor.job(id: job.id).state == .completed })
            let unauthorized = try await client.execute(uri: "/metrics", method: .get)
            #expect(unauthorized.status == .unauthorized)
            let response = try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer \(readKey)"])
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
            let text = String(buffer: response.body)
            #expect(text.contains(#"conveyor_queue_jobs{queue="default",state="completed"} 1"#), "\(text)")
            #expect(text.contains(#"conveyor_queue_jobs{queue="default",state="available"} 0"#))
            let outcome = text.split(separator: "\n").first { $0.hasPrefix("conveyor_jobs_total{") && $0.contains(#"kind="noop""#) && $0.contains(#"state="completed""#) }
            #expect(outcome != nil, "\(text)")
            #expect(text.contains("conveyor_job_run_seconds_bucket{"))
            #expect(text.contains("conveyor_job_queue_latency_seconds_bucket{"))
            // The page is the whole registry: other libraries of the process (Vapor's HTTP
            // metrics, in the Vapor tests) record there too. Every sample is well-formed.
            let samples = text.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }
            #expect(samples.allSatisfy { $0.wholeMatch(of: /[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})? \S+/) != nil }, "\(text)")
        }
    }
}

/// Polls `condition` every 20 ms for up to 15 seconds.
func waitFor(async condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(15)
    while try await !condition() {
        guard ContinuousClock.now < deadline else { throw CancellationError() }
        try await Task.sleep(for: .milliseconds(20))
    }
}
