import Synchronization

/// Why the runtime cancelled a running job's task; decides what is stored afterwards.
enum StopReason: Sendable {
    /// The node is shutting down: put the job back.
    case shutdown
    /// The job was cancelled or rescued in the store: nothing to store.
    case lost
}

/// The jobs this node is running, so it can cancel their tasks from outside.
final class RunningJobs: Sendable {
    /// A task handle kept only between `register` and `remove`, both called from inside that
    /// task, and used only under the lock: so the task is alive whenever it is touched.
    private struct Handle: @unchecked Sendable {
        let task: UnsafeCurrentTask
    }

    private struct Entry {
        let attempt: JobAttempt
        let handle: Handle
        var stopReason: StopReason?
    }

    private let entries = Mutex<[Int64: Entry]>([:])

    /// Registers the current task as running `attempt`. Call from inside the job's task.
    func register(_ attempt: JobAttempt) {
        withUnsafeCurrentTask { task in
            guard let task else { return }
            entries.withLock { $0[attempt.jobID] = Entry(attempt: attempt, handle: Handle(task: task), stopReason: nil) }
        }
    }

    /// Removes the job and tells why it was stopped, if it was.
    func remove(_ jobID: Int64) -> StopReason? {
        entries.withLock { $0.removeValue(forKey: jobID)?.stopReason }
    }

    var count: Int { entries.withLock { $0.count } }

    var attempts: [JobAttempt] { entries.withLock { $0.values.map(\.attempt) } }

    /// Cancels the task running `jobID`, if any.
    func stop(_ jobID: Int64, reason: StopReason) {
        entries.withLock { entries in
            guard var entry = entries[jobID] else { return }
            entry.stopReason = entry.stopReason ?? reason
            entries[jobID] = entry
            entry.handle.task.cancel()
        }
    }

    func stopAll(reason: StopReason) {
        entries.withLock { entries in
            for (id, var entry) in entries {
                entry.stopReason = entry.stopReason ?? reason
                entries[id] = entry
                entry.handle.task.cancel()
            }
        }
    }
}
