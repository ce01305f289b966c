import Foundation
import Testing

@Suite("CLI: bench")
struct BenchCommandTests {
    /// A small run on a temporary SQLite file: every phase reports, and `--single-jobs 0`
    /// leaves the single-enqueue rate out instead of reporting a rate of nothing.
    @Test func smallRunReportsEveryPhase() async throws {
        let folder = try makeFolder()
        let run = try await CLIProcess.run(["bench", "--jobs", "300", "--single-jobs", "50", "--latency-samples", "5", "--json"], in: folder)
        #expect(run.status == 0, "\(run.stderr)")
        let result = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect((result["enqueue_single_per_s"] as? Double ?? 0) > 0)
        #expect((result["enqueue_single_cpu_us_per_job"] as? Double ?? -1) >= 0)
        #expect((result["enqueue_bulk_per_s"] as? Double ?? 0) > 0)
        // CPU time comes in clock ticks, so a phase this short may honestly measure zero.
        #expect((result["enqueue_bulk_cpu_us_per_job"] as? Double ?? -1) >= 0)
        #expect((result["process_per_s"] as? Double ?? 0) > 0)
        #expect((result["pickup_p99_ms"] as? Double ?? 0) >= (result["pickup_p50_ms"] as? Double ?? .infinity))

        let skipped = try await CLIProcess.run(["bench", "--jobs", "300", "--single-jobs", "0", "--latency-samples", "5", "--json"], in: folder)
        #expect(skipped.status == 0, "\(skipped.stderr)")
        let withoutSingles = try #require(try JSONSerialization.jsonObject(with: Data(skipped.stdout.utf8)) as? [String: Any])
        #expect(withoutSingles["enqueue_single_per_s"] == nil)
        #expect(withoutSingles["enqueue_single_cpu_us_per_job"] == nil)
        #expect((withoutSingles["process_per_s"] as? Double ?? 0) > 0)

        let negative = try await CLIProcess.run(["bench", "--single-jobs", "-1"], in: folder)
        #expect(negative.status != 0)
        #expect(negative.stderr.contains("--single-jobs"))
    }
}
