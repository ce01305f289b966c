import Foundation
import Testing

@Suite("CLI: conveyor soak")
struct SoakCommandTests {
    /// Driven by the environment variables an outside harness sets: a line describing the
    /// run, then four metric lines per period, until SIGTERM ends it within 5 s.
    @Test(.timeLimit(.minutes(1)))
    func aSoakRunReportsEveryPeriodAndStopsOnSIGTERM() async throws {
        let (folder, path, _) = try await makeSQLiteFolder()
        let soak = try CLIProcess.start(["soak"], in: folder, log: "soak.log", environment: [
            "DATABASE_URL": "sqlite:" + path, "PRODUCER_RATE": "200", "PRODUCER_BATCH_MAX": "20", "WORKER_COUNT": "4",
            "JOB_WORK_MS": "1", "JOB_PAYLOAD_BYTES": "64", "SAMPLE_EVERY_S": "1",
        ])
        defer { if CLIProcess.exitStatus(of: soak) == nil { soak.terminate() } }
        func records() throws -> [[String: Any]] {
            let text = (try? String(contentsOf: folder.appendingPathComponent("soak.log"), encoding: .utf8)) ?? ""
            return text.split(separator: "\n").filter { $0.hasPrefix("{") }.compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
        }
        // Three periods: the first may begin before any job ran.
        try await eventually(timeout: .seconds(30)) { try records().filter { $0["metric"] as? String == "pickup_ms" }.count >= 3 }
        let stopping = ContinuousClock.now
        kill(soak.processIdentifier, SIGTERM)
        #expect(try await CLIProcess.wait(soak, timeout: .seconds(10)) == 0)
        #expect(ContinuousClock.now - stopping < .seconds(5), "SIGTERM ends the run within 5 s")

        let lines = try records()
        let start = try #require(lines.first)
        #expect(start["event"] as? String == "start" && start["system"] as? String == "conveyor" && start["store"] as? String == "sqlite")
        #expect(start["producer_rate"] as? Double == 200 && start["worker_count"] as? Int == 4 && start["job_payload_bytes"] as? Int == 64)
        #expect((start["tables"] as? [String])?.contains("conveyor_jobs") == true)
        let metrics = lines.dropFirst()
        #expect(Set(metrics.compactMap { $0["metric"] as? String }) == ["pickup_ms", "enqueue_rate", "completion_rate", "queue_depth", "process"])
        // Reports fall on the wall clock's whole seconds.
        #expect(metrics.allSatisfy { ($0["ts"] as? String).flatMap { ISO8601DateFormatter().date(from: $0) } != nil })
        let pickups = metrics.filter { $0["metric"] as? String == "pickup_ms" }
        let last = try #require(pickups.last)
        #expect((last["samples"] as? Int ?? 0) > 0 && (last["p50"] as? Double ?? -1) >= 0 && (last["p99"] as? Double ?? -1) >= (last["p50"] as? Double ?? 0))
        #expect(metrics.contains { $0["metric"] as? String == "enqueue_rate" && ($0["per_s"] as? Double ?? 0) > 0 })
        #expect(metrics.contains { $0["metric"] as? String == "completion_rate" && ($0["per_s"] as? Double ?? 0) > 0 })
        let process = try #require(metrics.last { $0["metric"] as? String == "process" })
        #expect((process["rss_mb"] as? Double ?? 0) > 1 && (process["cpu_s"] as? Double ?? 0) > 0, "\(process)")
    }

    @Test func aBadSettingIsRefusedNamingIt() async throws {
        let (folder, path, _) = try await makeSQLiteFolder()
        let rate = try await CLIProcess.run(["soak", "--database", "sqlite:" + path], in: folder, environment: ["PRODUCER_RATE": "fast"])
        #expect(rate.status != 0 && rate.stderr.contains("producer-rate: must be a number of jobs per second"), "\(rate.stderr)")
        let workers = try await CLIProcess.run(["soak", "--database", "sqlite:" + path, "--worker-count", "0"], in: folder)
        #expect(workers.status != 0 && workers.stderr.contains("worker-count: must be between 1 and 10000, got 0"), "\(workers.stderr)")
    }
}
