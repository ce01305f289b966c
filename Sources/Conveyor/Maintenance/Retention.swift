/// How long finished jobs are kept.
public struct Retention: Sendable, Hashable {
    /// Completed jobs older than this are deleted; `nil` keeps them.
    public var completed: Duration?
    /// Discarded and cancelled jobs older than this are deleted; `nil` keeps them.
    public var failed: Duration?
    /// Keep at most this many of each final state per queue, newest first (BullMQ's
    /// `removeOnComplete: N`); `nil`: no cap.
    public var keepLast: Int?
    /// At most this many deletions per statement, so no statement holds the database long.
    public var batchSize: Int

    /// How long finished jobs are kept, by default a day for completed and a week for failed ones.
    public init(completed: Duration? = .seconds(86_400), failed: Duration? = .seconds(7 * 86_400),
                keepLast: Int? = nil, batchSize: Int = 10_000) {
        self.completed = completed
        self.failed = failed
        self.keepLast = keepLast
        self.batchSize = batchSize
    }

    /// Ages run from one second to ten years (for longer, keep the jobs: `nil`).
    func validate() throws(ConveyorError) {
        for (name, age) in [("retention.completed", completed), ("retention.failed", failed)] {
            if let age, age < .seconds(1) || age > .seconds(315_360_000) {
                throw .invalid(name, "must be between 1 second and ten years (or none, to keep the jobs), got \(age)")
            }
        }
        if let keepLast, keepLast < 0 { throw .invalid("retention.keepLast", "must not be negative, got \(keepLast)") }
        guard batchSize >= 1 else { throw .invalid("retention.batchSize", "must be at least 1, got \(batchSize)") }
    }
}
