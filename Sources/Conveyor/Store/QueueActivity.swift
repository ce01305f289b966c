public import Foundation

/// A job that finished, as the activity of its queue counts it.
public struct FinishedJob: Sendable, Hashable {
    /// `completed` or `discarded`.
    public var state: JobState
    public var finishedAt: Date
    /// From when the job was due to when its last attempt started.
    public var waitedSeconds: Double?

    public init(state: JobState, finishedAt: Date, waitedSeconds: Double?) {
        self.state = state
        self.finishedAt = finishedAt
        self.waitedSeconds = waitedSeconds
    }
}

/// What a queue did lately: completed and failed jobs per minute, and how long jobs waited to
/// start, over the jobs that finished in the window.
public struct QueueActivity: Sendable, Hashable, Codable {
    public struct Minute: Sendable, Hashable, Codable {
        public var start: Date
        public var completed: Int
        /// Discarded: out of attempts, or by the worker.
        public var failed: Int
    }

    public struct Latency: Sendable, Hashable, Codable {
        public var p50Seconds: Double
        public var p95Seconds: Double
        public var maxSeconds: Double
        public var samples: Int
    }

    public var queue: String
    /// Every minute of the window, oldest first, zeros included.
    public var minutes: [Minute]
    /// Nil when no job finished in the window.
    public var latency: Latency?

    /// Buckets `finished` into the `count` whole minutes that end with the one holding `now`.
    public init(queue: String, finished: [FinishedJob], minutes count: Int, now: Date) {
        let current = (now.timeIntervalSince1970 / 60).rounded(.down)
        let first = current - Double(count - 1)
        var buckets = (0..<count).map { Minute(start: Date(timeIntervalSince1970: (first + Double($0)) * 60), completed: 0, failed: 0) }
        for job in finished {
            let index = Int((job.finishedAt.timeIntervalSince1970 / 60).rounded(.down) - first)
            guard buckets.indices.contains(index) else { continue }
            if job.state == .completed { buckets[index].completed += 1 } else { buckets[index].failed += 1 }
        }
        let waits = finished.compactMap(\.waitedSeconds).map { max($0, 0) }.sorted()
        self.queue = queue
        self.minutes = buckets
        self.latency = waits.isEmpty ? nil : Latency(
            p50Seconds: waits[(waits.count - 1) / 2], p95Seconds: waits[Int(Double(waits.count - 1) * 0.95)],
            maxSeconds: waits[waits.count - 1], samples: waits.count)
    }
}
