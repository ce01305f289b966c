/// A queue's finished jobs since a time, as the store reads them for ``QueueActivity``: counted
/// per minute by the database (every job, however many), and the waits of the newest ones.
package struct FinishedActivity: Sendable, Hashable {
    /// Completed and discarded jobs in one whole minute.
    package struct Counts: Sendable, Hashable {
        package var completed: Int
        package var failed: Int

        package init(completed: Int, failed: Int) {
            self.completed = completed
            self.failed = failed
        }
    }

    /// By minute, counted from 1970 (`floor(seconds / 60)`); minutes without jobs are absent.
    package var minutes: [Int64: Counts]
    /// From when each job was due to when its last attempt started, for the jobs that
    /// finished last (newest first), at most as many as asked for.
    package var waits: [Double]

    package init(minutes: [Int64: Counts], waits: [Double]) {
        self.minutes = minutes
        self.waits = waits
    }
}
