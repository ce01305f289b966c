import Synchronization

/// The jobs this node is running, so it can stop them from outside their tasks.
final class RunningJobs: Sendable {
    private struct Entry {
        let attempt: JobAttempt
        let stop: JobStop
    }

    private let entries = Mutex<[Int64: Entry]>([:])

    /// Records that `attempt` runs; its task runs the work through the returned ``JobStop``.
    func register(_ attempt: JobAttempt) -> JobStop {
        let stop = JobStop()
        entries.withLock { $0[attempt.jobID] = Entry(attempt: attempt, stop: stop) }
        return stop
    }

    /// Forgets a job whose attempt ended.
    func remove(_ jobID: Int64) {
        entries.withLock { _ = $0.removeValue(forKey: jobID) }
    }

    var count: Int { entries.withLock { $0.count } }

    var attempts: [JobAttempt] { entries.withLock { $0.values.map(\.attempt) } }

    /// Stops the job `jobID`, if it runs here.
    func stop(_ jobID: Int64, reason: StopReason) {
        entries.withLock { $0[jobID]?.stop }?.stop(reason)
    }

    func stopAll(reason: StopReason) {
        for stop in entries.withLock({ $0.values.map(\.stop) }) { stop.stop(reason) }
    }
}
