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
        var runs: [RunKey: RunTimers] = [:]
    }

    /// The two timers of an attempt, looked up once for both.
    struct RunTimers: @unchecked Sendable {
        // Thread-safe by swift-metrics' contract, as above.
        private let pickup: Timer
        private let run: Timer

        fileprivate init(queue: String, kind: String) {
            pickup = Timer(label: "conveyor_job_queue_latency_seconds", dimensions: [("queue", queue)])
            run = Timer(label: "conveyor_job_run_seconds", dimensions: [("queue", queue), ("kind", kind)])
        }

        func recordPickup(seconds: Double) { pickup.recordSeconds(max(seconds, 0)) }
        func recordRun(seconds: Double) { run.recordSeconds(max(seconds, 0)) }
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

    /// The pickup and run timers of jobs of `kind` in `queue`.
    func runTimers(queue: String, kind: String) -> RunTimers {
        let key = RunKey(queue: queue, kind: kind)
        return handles.withLock { handles in
            if let timers = handles.runs[key] { return timers }
            let timers = RunTimers(queue: queue, kind: kind)
            handles.runs[key] = timers
            return timers
        }
    }
}
