package import Foundation

/// What one pruning pass deletes, decided from the retention and the time. The stores only
/// run the deletions (``JobStore/deleteFinished(_:before:limit:)`` and its siblings).
package struct PrunePlan: Equatable, Sendable {
    /// Jobs of a final state that finished before a time.
    package struct AgeCut: Equatable, Sendable {
        package var state: JobState
        package var finishedBefore: Date
    }

    /// Deletions by age, one per final state whose retention has an age.
    package var ageCuts: [AgeCut]
    /// Per queue and final state, the newest this many are kept; nil keeps all.
    package var keepLast: Int?
    /// At most this many deletions per statement.
    package var batchSize: Int
    /// Nodes not heard from since then have long stopped; their rows go.
    package var nodesHeardBefore: Date
    /// Batches that ended before then go, as completed jobs of that age do; nil keeps them.
    package var batchesEndedBefore: Date?

    /// How long a node's row outlives its last heartbeat: long enough for the dashboard to
    /// show a node that died, short enough that restarts do not pile up.
    static let nodeRowLifetime: TimeInterval = 86_400

    package init(_ retention: Retention, now: Date) {
        let ages: [(JobState, Duration?)] = [
            (.completed, retention.completed), (.discarded, retention.failed), (.cancelled, retention.failed),
        ]
        ageCuts = ages.compactMap { state, age in
            age.map { AgeCut(state: state, finishedBefore: InstantRange.clamp(now.addingTimeInterval(-$0.seconds))) }
        }
        keepLast = retention.keepLast.map { max($0, 0) }
        batchSize = retention.batchSize
        nodesHeardBefore = now.addingTimeInterval(-Self.nodeRowLifetime)
        batchesEndedBefore = ageCuts.first { $0.state == .completed }?.finishedBefore
    }
}

extension Conveyor {
    /// Runs one pruning pass by `plan`. Returns how many jobs were deleted.
    func prune(_ plan: PrunePlan) async throws -> Int {
        var deleted = 0
        for cut in plan.ageCuts {
            deleted += try await store.deleteFinished(cut.state, before: cut.finishedBefore, limit: plan.batchSize)
        }
        if let keep = plan.keepLast {
            for state in JobState.final {
                for queue in try await store.queues(holding: state) {
                    deleted += try await store.deleteFinished(state, queue: queue, beyondNewest: keep, limit: plan.batchSize)
                }
            }
        }
        try await store.removeNodes(heardBefore: plan.nodesHeardBefore)
        if let ended = plan.batchesEndedBefore { _ = try await store.deleteBatches(endedBefore: ended, limit: plan.batchSize) }
        return deleted
    }
}
