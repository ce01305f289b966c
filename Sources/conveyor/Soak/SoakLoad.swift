import Conveyor
import Foundation
import Logging
import ServiceLifecycle

/// The soak's producer and reporter, as one service: it enqueues at the configured rate and
/// prints one JSON line per metric every `sampleEverySeconds`, on the wall clock's multiples
/// of it, until the service group shuts down.
struct SoakLoad: Service {
    let conveyor: Conveyor
    let settings: SoakSettings
    let stats: SoakStats
    let logger: Logger

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { try await produce() }
                group.addTask { try await report() }
            }
        }
    }

    /// Enqueues what the elapsed time has credited, in calls of at most `producerBatchMax`
    /// jobs; a producer that fell behind catches up in full calls.
    private func produce() async throws {
        let args = SoakWorker.Args(payload: String(repeating: "x", count: settings.jobPayloadBytes))
        let start = ContinuousClock.now
        var produced = 0
        while !Task.isCancelled {
            let credited = Int(settings.producerRate * (ContinuousClock.now - start).seconds)
            let due = min(credited - produced, settings.producerBatchMax)
            guard due > 0 else {
                try await Task.sleep(for: .milliseconds(2))
                continue
            }
            do {
                try await conveyor.enqueueAll(SoakWorker.self, args: Array(repeating: args, count: due))
                produced += due
                stats.enqueued(due)
            } catch let error as ConveyorError where error.code == .storage {
                logger.warning("enqueue failed; retrying", metadata: ["error": "\(error)"])
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    private func report() async throws {
        let every = Double(settings.sampleEverySeconds)
        var last = (date: Date(), enqueued: 0, completed: 0)
        while !Task.isCancelled {
            let now = Date().timeIntervalSince1970
            let next = ((now / every).rounded(.down) + 1) * every
            try await Task.sleep(for: .seconds(next - now))
            let date = Date(timeIntervalSince1970: next)
            let snapshot = stats.snapshot(at: date)
            let elapsed = max(Date().timeIntervalSince(last.date), 0.001)
            let depth = try? await conveyor.countJobs(matching: JobFilter(states: [.available, .scheduled, .retryable], queues: [SoakWorker.queue]))
            let time = date.formatted(.iso8601)
            SoakOutput.line(["ts": time, "metric": "pickup_ms", "p50": snapshot.pickup[0], "p95": snapshot.pickup[1], "p99": snapshot.pickup[2],
                             "window_s": SoakStats.windowSeconds, "samples": snapshot.samples])
            SoakOutput.line(["ts": time, "metric": "enqueue_rate", "per_s": Double(snapshot.enqueued - last.enqueued) / elapsed])
            SoakOutput.line(["ts": time, "metric": "completion_rate", "per_s": Double(snapshot.completed - last.completed) / elapsed])
            SoakOutput.line(["ts": time, "metric": "queue_depth", "jobs": depth.map { $0 as Any } ?? NSNull()])
            SoakOutput.line(["ts": time, "metric": "process", "rss_mb": ProcessUsage.residentBytes().map { Double($0) / 1_048_576 as Any } ?? NSNull(),
                             "cpu_s": ProcessUsage.cpuSeconds()])
            last = (Date(), snapshot.enqueued, snapshot.completed)
        }
    }
}

/// One JSON object per line on standard output, written at once (a harness reads as it goes).
enum SoakOutput {
    static func line(_ object: [String: Any]) {
        guard var data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else { return }
        data.append(0x0A)
        FileHandle.standardOutput.write(data)
    }
}
