package import Foundation
import Logging
import Synchronization

extension Conveyor {
    /// Records this node as alive, and stops local jobs that were cancelled or rescued elsewhere.
    func heartbeatLoop(startedAt: Date) async {
        var suspects = Set<JobAttempt>()
        while !Task.isCancelled {
            try? await timers.sleep(for: configuration.heartbeatInterval)
            guard !Task.isCancelled else { return }
            do {
                try await store.heartbeat(nodeRecord(startedAt: startedAt))
                suspects = try await reconcile(suspects: suspects)
            } catch where !Task.isCancelled {
                logger.error("heartbeat failed", metadata: ["error": "\(error)"])
            } catch {
                return  // shutdown cancelled the pass: not a failure
            }
        }
    }

    /// Compares what the store holds as executing here with what runs here. Returns the
    /// attempts that look orphaned now; those that looked orphaned last time too are released.
    package func reconcile(suspects: Set<JobAttempt>) async throws -> Set<JobAttempt> {
        let local = Set(running.attempts)
        let stored = try await store.executingAttempts(node: node)
        for attempt in local.subtracting(stored) {
            logger.info("stopping a job cancelled or rescued elsewhere", metadata: ["job.id": "\(attempt.jobID)"])
            running.stop(attempt.jobID, reason: .lost)
        }
        // A claim whose reply was lost (a dropped connection) leaves jobs executing here that no
        // task runs. Seen twice in a row, they are not just-claimed or just-finished ones.
        let orphans = stored.subtracting(local).subtracting(acks.pendingAttempts)
        let confirmed = orphans.intersection(suspects)
        if !confirmed.isEmpty {
            logger.warning("releasing jobs claimed for this node that never reached it", metadata: ["ids": "\(confirmed.map(\.jobID).sorted())"])
            let released = try await store.acknowledge(confirmed.map { JobAck($0, .release) }, now: clock.now()).applied
            if !released.isEmpty { wakeAll() }
        }
        return orphans.subtracting(confirmed)
    }

    /// While this node holds the lease: stage due jobs, rescue orphans, prune old jobs.
    func maintenanceLoop() async {
        var lastPrune: Date?
        while !Task.isCancelled {
            do {
                lastPrune = try await maintain(lastPrune: lastPrune)
            } catch where !Task.isCancelled {
                rescueWatch.withLock { $0.storeFailed() }
                logger.error("maintenance failed", metadata: ["error": "\(error)"])
            } catch {
                return  // shutdown cancelled the pass: not a failure
            }
            try? await timers.sleep(for: configuration.maintenanceInterval)
        }
    }

    /// One maintenance pass, if this node leads. Returns when it last pruned.
    @discardableResult
    package func maintain(lastPrune: Date?) async throws -> Date? {
        let now = clock.now()
        let ttl = max(configuration.maintenanceInterval * 5, .seconds(5))
        let leads = try await store.acquireLeadership(node: node, ttl: ttl, now: now)
        let answered = clock.now()
        let cutoff = rescueWatch.withLock { watch in
            watch.storeAnswered(asked: now, answered: answered, slowest: configuration.rescueAfter / 2)
            return watch.cutoff(now: answered, rescueAfter: configuration.rescueAfter)
        }
        guard leads else { return lastPrune }
        for queue in try await store.stage(now: now, limit: 10_000) { wake(queue: queue) }
        if let cutoff {
            let rescued = try await store.rescue(heartbeatBefore: cutoff, now: now)
            if rescued > 0 { logger.warning("rescued jobs of nodes that stopped heartbeating", metadata: ["count": "\(rescued)"]) }
        }
        await lookForLongTransactions(now: now)
        if let lastPrune, now.timeIntervalSince(lastPrune) < configuration.pruneInterval.seconds { return lastPrune }
        let own = try await store.queueSettings().reduce(into: [String: QueueRetention]()) { $0[$1.queue] = $1.retention }
        let pruned = try await prune(PrunePlan(configuration.retention, queues: own, now: now))
        if pruned > 0 { logger.info("pruned finished jobs", metadata: ["count": "\(pruned)"]) }
        return now
    }

    /// Warns about a transaction that keeps the database from clearing dead rows. Its own
    /// failure is only logged: it must not hold back the pass's rescue.
    private func lookForLongTransactions(now: Date) async {
        guard longTransactions.withLock({ $0?.lookIfDue(now: now) ?? false }) else { return }
        let oldest: HeldSnapshot?
        do {
            oldest = try await store.oldestHeldSnapshot()
        } catch {
            logger.warning("could not look for long transactions", metadata: ["error": "\(error)"])
            return
        }
        switch longTransactions.withLock({ $0?.check(oldest, now: now) }) {
        case .held(let snapshot, let age):
            var metadata: Logger.Metadata = ["holder": "\(snapshot.holder)", "open_for": "\(Int(age.seconds))s"]
            if let state = snapshot.state { metadata["state"] = "\(state)" }
            if let application = snapshot.application { metadata["application"] = "\(application)" }
            if let query = snapshot.query { metadata["query"] = "\(query)" }
            logger.warning("""
                a transaction has been open for \(Self.spoken(age)) in the jobs' database: until it ends, \
                finished jobs' dead rows cannot be vacuumed and every claim walks them; end it, \
                or set idle_in_transaction_session_timeout
                """, metadata: metadata)
        case .ended(let snapshot):
            logger.info("the long transaction ended", metadata: ["holder": "\(snapshot.holder)"])
        case nil:
            return
        }
    }

    private static func spoken(_ age: Duration) -> String {
        let seconds = Int(age.seconds)
        return seconds < 120 ? "\(seconds) seconds" : "\(seconds / 60) minutes"
    }

    /// Reacts to the store's signals: new jobs, queue changes, cancellations.
    func listen(to source: any JobStoreSignals) async {
        for await signal in source.signals() {
            switch signal {
            case .jobsAvailable(let queue), .queueChanged(let queue): wake(queue: queue)
            case .jobCancelled(let id): running.stop(id, reason: .lost)
            case .events(let events): eventBus.publish(events)
            case .resumed: wakeAll()
            }
        }
    }
}
