package import Foundation
import Logging

extension Conveyor {
    /// Records this node as alive, and stops local jobs that were cancelled or rescued elsewhere.
    func heartbeatLoop(startedAt: Date) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: configuration.heartbeatInterval)
            guard !Task.isCancelled else { return }
            do {
                try await store.heartbeat(nodeRecord(startedAt: startedAt))
                let attempts = running.attempts
                if !attempts.isEmpty {
                    for id in try await store.lostAttempts(attempts, node: node) {
                        logger.info("stopping a job cancelled or rescued elsewhere", metadata: ["job.id": "\(id)"])
                        running.stop(id, reason: .lost)
                    }
                }
            } catch {
                logger.error("heartbeat failed", metadata: ["error": "\(error)"])
            }
        }
    }

    /// While this node holds the lease: stage due jobs, rescue orphans, prune old jobs.
    func maintenanceLoop() async {
        var lastPrune: Date?
        while !Task.isCancelled {
            do {
                lastPrune = try await maintain(lastPrune: lastPrune)
            } catch {
                logger.error("maintenance failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: configuration.maintenanceInterval)
        }
    }

    /// One maintenance pass, if this node leads. Returns when it last pruned.
    @discardableResult
    package func maintain(lastPrune: Date?) async throws -> Date? {
        let now = clock.now()
        let ttl = max(configuration.maintenanceInterval * 5, .seconds(5))
        guard try await store.acquireLeadership(node: node, ttl: ttl, now: now) else { return lastPrune }
        for queue in try await store.stage(now: now, limit: 10_000) { wake(queue: queue) }
        let rescued = try await store.rescue(heartbeatBefore: now.addingTimeInterval(-configuration.rescueAfter.seconds), now: now)
        if rescued > 0 { logger.warning("rescued jobs of nodes that stopped heartbeating", metadata: ["count": "\(rescued)"]) }
        if let lastPrune, now.timeIntervalSince(lastPrune) < configuration.pruneInterval.seconds { return lastPrune }
        let pruned = try await store.prune(configuration.retention, now: now)
        if pruned > 0 { logger.info("pruned finished jobs", metadata: ["count": "\(pruned)"]) }
        return now
    }

    /// Reacts to the store's signals: new jobs, queue changes, cancellations.
    func listen(to source: any JobStoreSignals) async {
        for await signal in source.signals() {
            switch signal {
            case .jobsAvailable(let queue), .queueChanged(let queue): wake(queue: queue)
            case .jobCancelled(let id): running.stop(id, reason: .lost)
            }
        }
    }
}
