package import Foundation

/// A job left `executing` by a node that stopped heartbeating, as the store finds it.
package struct OrphanedAttempt: Sendable, Hashable {
    package var attempt: JobAttempt
    package var maxAttempts: Int
    package var queue: String

    package init(attempt: JobAttempt, maxAttempts: Int, queue: String) {
        self.attempt = attempt
        self.maxAttempts = maxAttempts
        self.queue = queue
    }

    /// What rescuing it stores: the attempt counts as failed, and the job runs again at once,
    /// or is discarded when it has no attempt left. Stored through the fenced acknowledgement,
    /// so a node that answers after all keeps its outcome if it stores it first.
    package func rescue(now: Date) -> JobAck {
        let error = JobErrorEntry(attempt: attempt.attempt, at: now,
                                  message: "rescued: node \(attempt.node) stopped heartbeating while running this attempt")
        return JobAck(attempt, attempt.attempt >= maxAttempts ? .discard(error: error) : .retry(at: now, error: error))
    }
}

extension JobStore {
    /// Puts back the jobs `executing` on nodes whose last heartbeat is before `heartbeatBefore`
    /// (or that have no node row), and that were claimed before it too (a claim after it is a
    /// sign of life), then wakes the producers of their queues on every node. Returns how many.
    package func rescue(heartbeatBefore: Date, now: Date) async throws -> Int {
        var rescued = 0
        while true {
            let orphans = try await orphanedAttempts(heartbeatBefore: heartbeatBefore, limit: Self.rescueBatch)
            guard !orphans.isEmpty else { break }
            let applied = try await acknowledge(orphans.map { $0.rescue(now: now) }, now: now).applied
            let back = orphans.filter { applied.contains($0.attempt.jobID) }
            rescued += back.count
            try await announceAvailable(Set(back.filter { $0.attempt.attempt < $0.maxAttempts }.map(\.queue)))
            if orphans.count < Self.rescueBatch { break }
        }
        return rescued
    }

    private static var rescueBatch: Int { 1_000 }
}
