/// A queue's stored settings: a row of a store's `queues` table.
package struct QueueSettings: Sendable {
    package let queue: String
    package let paused: Bool
    package let limits: QueueLimits
    package let retention: QueueRetention?

    package init(queue: String, paused: Bool, limits: QueueLimits, retention: QueueRetention? = nil) {
        self.queue = queue
        self.paused = paused
        self.limits = limits
        self.retention = retention
    }
}
