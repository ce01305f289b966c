/// How many jobs of one queue are in one state: a row of a store's count by queue and state.
package struct QueueStateCount: Sendable {
    package let queue: String
    package let state: JobState
    package let count: Int

    package init(queue: String, state: JobState, count: Int) {
        self.queue = queue
        self.state = state
        self.count = count
    }
}

extension QueueSummary {
    /// One summary for every queue that has jobs or settings, by name.
    package static func summaries(counts: [QueueStateCount], settings: [QueueSettings]) -> [QueueSummary] {
        var summaries: [String: QueueSummary] = [:]
        for row in counts {
            summaries[row.queue, default: QueueSummary(name: row.queue, counts: [:], paused: false)].counts[row.state] = row.count
        }
        for row in settings {
            summaries[row.queue, default: QueueSummary(name: row.queue, counts: [:], paused: false)].paused = row.paused
            summaries[row.queue]?.limits = row.limits
            summaries[row.queue]?.retention = row.retention
        }
        return summaries.values.sorted { $0.name < $1.name }
    }
}
