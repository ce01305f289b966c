import Metrics
import Synchronization

/// swift-metrics handles, made once per label set: the hot path only looks them up.
final class JobMetrics: Sendable {
    private struct RunKey: Hashable {
        let queue: String
        let kind: String
    }

    private struct OutcomeKey: Hashable {
        let run: RunKey
        let state: JobState
    }

    private struct Handles: @unchecked Sendable {
        // Metric handles are thread-safe by swift-metrics' contract; they are not marked Sendable.
        var outcomes: [OutcomeKey: Counter] = [:]
        var runTimes: [RunKey: Timer] = [:]
        var pickups: [String: Timer] = [:]
    }

    private let handles = Mutex(Handles())

    func recordOutcome(queue: String, kind: String, state: JobState) {
        let key = OutcomeKey(run: RunKey(queue: queue, kind: kind), state: state)
        let counter = handles.withLock { handles in
            if let counter = handles.outcomes[key] { return counter }
            let counter = Counter(label: "conveyor_jobs_total", dimensions: [("queue", queue), ("kind", kind), ("state", state.rawValue)])
            handles.outcomes[key] = counter
            return counter
        }
        counter.increment()
    }

    func recordRun(queue: String, kind: String, seconds: Double) {
        let key = RunKey(queue: queue, kind: kind)
        let timer = handles.withLock { handles in
            if let timer = handles.runTimes[key] { return timer }
            let timer = Timer(label: "conveyor_job_run_seconds", dimensions: [("queue", queue), ("kind", kind)])
            handles.runTimes[key] = timer
            return timer
        }
        timer.recordSeconds(max(seconds, 0))
    }

    func recordPickup(queue: String, latency seconds: Double) {
        let timer = handles.withLock { handles in
            if let timer = handles.pickups[queue] { return timer }
            let timer = Timer(label: "conveyor_job_queue_latency_seconds", dimensions: [("queue", queue)])
            handles.pickups[queue] = timer
            return timer
        }
        timer.recordSeconds(max(seconds, 0))
    }
}
