package import Foundation

/// The queues a deletion covers: one queue with its own rule, or every queue but those.
package enum QueueSelection: Equatable, Sendable {
    case only(String)
    case allExcept([String])

    package func contains(_ queue: String) -> Bool {
        switch self {
        case .only(let name): name == queue
        case .allExcept(let names): !names.contains(queue)
        }
    }
}

/// What one pruning pass deletes, decided from the node-wide retention, each queue's own
/// rules and the time. The stores only run the deletions
/// (``JobStore/deleteFinished(_:before:in:limit:)`` and its siblings).
package struct PrunePlan: Equatable, Sendable {
    /// Jobs of a final state, in some queues, that finished before a time.
    package struct AgeCut: Equatable, Sendable {
        package var state: JobState
        package var finishedBefore: Date
        package var queues: QueueSelection
    }

    /// Jobs of a final state beyond the newest `keep` of each queue selected.
    package struct CountCut: Equatable, Sendable {
        package var state: JobState
        package var keep: Int
        package var queues: QueueSelection
    }

    package var ageCuts: [AgeCut]
    package var countCuts: [CountCut]
    /// At most this many deletions per statement.
    package var batchSize: Int
    /// Nodes not heard from since then have long stopped; their rows go.
    package var nodesHeardBefore: Date
    /// Batches that ended before then go, as completed jobs of that age do; nil keeps them.
    package var batchesEndedBefore: Date?

    /// How long a node's row outlives its last heartbeat: long enough for the dashboard to
    /// show a node that died, short enough that restarts do not pile up.
    static let nodeRowLifetime: TimeInterval = 86_400

    /// A queue's rule for a state replaces the node-wide retention of that state in that queue.
    package init(_ retention: Retention, queues: [String: QueueRetention] = [:], now: Date) {
        func cut(_ age: Duration) -> Date { InstantRange.clamp(now.addingTimeInterval(-age.seconds)) }
        ageCuts = []
        countCuts = []
        for state in [JobState.completed, .discarded, .cancelled] {
            let own = queues.compactMap { name, retention in retention.rule(for: state).map { (name, $0) } }.sorted { $0.0 < $1.0 }
            let others = QueueSelection.allExcept(own.map(\.0))
            if let age = state == .completed ? retention.completed : retention.failed {
                ageCuts.append(AgeCut(state: state, finishedBefore: cut(age), queues: others))
            }
            if let keep = retention.keepLast { countCuts.append(CountCut(state: state, keep: max(keep, 0), queues: others)) }
            for (queue, rule) in own {
                if let age = rule.maxAge { ageCuts.append(AgeCut(state: state, finishedBefore: cut(age), queues: .only(queue))) }
                if let keep = rule.keepLast { countCuts.append(CountCut(state: state, keep: max(keep, 0), queues: .only(queue))) }
            }
        }
        batchSize = retention.batchSize
        nodesHeardBefore = now.addingTimeInterval(-Self.nodeRowLifetime)
        batchesEndedBefore = retention.completed.map(cut)
    }
}

extension Conveyor {
    /// Runs one pruning pass by `plan`. Returns how many jobs were deleted.
    func prune(_ plan: PrunePlan) async throws -> Int {
        var deleted = 0
        for cut in plan.ageCuts {
            deleted += try await store.deleteFinished(cut.state, before: cut.finishedBefore, in: cut.queues, limit: plan.batchSize)
        }
        for cut in plan.countCuts {
            let queues = if case .only(let queue) = cut.queues { [queue] } else { try await store.queues(holding: cut.state) }
            for queue in queues where cut.queues.contains(queue) {
                deleted += try await store.deleteFinished(cut.state, queue: queue, beyondNewest: cut.keep, limit: plan.batchSize)
            }
        }
        try await store.removeNodes(heardBefore: plan.nodesHeardBefore)
        if let ended = plan.batchesEndedBefore { _ = try await store.deleteBatches(endedBefore: ended, limit: plan.batchSize) }
        return deleted
    }
}
