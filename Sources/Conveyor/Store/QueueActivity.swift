public import Foundation

/// What a queue did lately: completed and failed jobs per minute, and how long jobs waited to
/// start, over the newest jobs that finished in the window (``Conveyor/latencySamples``).
public struct QueueActivity: Sendable, Hashable, Codable {
    /// One minute of a queue's activity.
    public struct Minute: Sendable, Hashable, Codable {
        /// The minute's start.
        public var start: Date
        /// Jobs that completed in the minute.
        public var completed: Int
        /// Discarded: out of attempts, or by the worker.
        public var failed: Int
    }

    /// How long jobs that finished in the window waited to start.
    public struct Latency: Sendable, Hashable, Codable {
        /// The median wait.
        public var p50Seconds: Double
        /// The 95th percentile of the waits.
        public var p95Seconds: Double
        /// The longest wait.
        public var maxSeconds: Double
        /// How many jobs the figures come from.
        public var samples: Int
    }

    /// The queue it describes.
    public var queue: String
    /// Every minute of the window, oldest first, zeros included.
    public var minutes: [Minute]
    /// Nil when no job finished in the window.
    public var latency: Latency?

    /// Lays `finished` out over the `count` whole minutes that end with the one holding `now`.
    package init(queue: String, finished: FinishedActivity, minutes count: Int, now: Date) {
        let first = Int64((now.timeIntervalSince1970 / 60).rounded(.down)) - Int64(count - 1)
        let minutes = (0..<Int64(count)).map { offset in
            let counts = finished.minutes[first + offset] ?? FinishedActivity.Counts(completed: 0, failed: 0)
            return Minute(start: Date(timeIntervalSince1970: Double(first + offset) * 60), completed: counts.completed, failed: counts.failed)
        }
        let waits = finished.waits.map { max($0, 0) }.sorted()
        self.queue = queue
        self.minutes = minutes
        self.latency = waits.isEmpty ? nil : Latency(
            p50Seconds: waits[(waits.count - 1) / 2], p95Seconds: waits[Int(Double(waits.count - 1) * 0.95)],
            maxSeconds: waits[waits.count - 1], samples: waits.count)
    }
}
