import Logging

extension Conveyor {
    /// Writes outcomes in batches until the buffer is finished and empty.
    func flushAcks() async {
        while let batch = await acks.next(limit: configuration.ackBatchSize) {
            await storeOutcomes(batch)
            acks.markWritten()
        }
    }

    /// Stores one batch of outcomes, retrying while the database is unavailable. If it stays
    /// unavailable the outcomes are given up: the jobs stay `executing` and the rescuer puts
    /// them back, so they run again rather than vanish.
    func storeOutcomes(_ batch: [PendingAck]) async {
        var delay = Duration.milliseconds(50)
        for attempt in 1...8 {
            do {
                let stored = try await store.acknowledge(batch.map(\.ack), now: clock.now())
                publishOutcomes(batch, stored: stored)
                return
            } catch {
                logger.error("storing job outcomes failed", metadata: [
                    "count": "\(batch.count)", "try": "\(attempt)", "error": "\(error)",
                ])
                try? await timers.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
            }
        }
        logger.critical("job outcomes could not be stored; the jobs will be rescued and run again", metadata: [
            "ids": "\(batch.map(\.job.id))",
        ])
    }

    func publishOutcomes(_ batch: [PendingAck], stored: Acknowledged) {
        let applied = stored.applied
        let now = clock.now()
        var events: [JobEvent] = []
        var wakeQueues = Set<String>()
        let publish = wantsEvents
        for pending in batch {
            guard applied.contains(pending.job.id) else {
                logger.info("outcome ignored: the attempt is no longer current", metadata: Self.metadata(pending.job))
                continue
            }
            metrics.recordOutcome(queue: pending.job.queue, kind: pending.job.kind, state: pending.ack.resultingState)
            if pending.ack.isDueNow(now) { wakeQueues.insert(pending.job.queue) }
            guard publish else { continue }
            switch pending.ack.outcome {
            case .completed: events.append(JobEvent(.completed, pending.job, at: now))
            case .retry(_, let error): events.append(JobEvent(.retrying, pending.job, at: now, message: error.message))
            case .discard(let error): events.append(JobEvent(.discarded, pending.job, at: now, message: error.message))
            case .cancel(let error): events.append(JobEvent(.cancelled, pending.job, at: now, message: error.message))
            case .snooze: events.append(JobEvent(.snoozed, pending.job, at: now))
            case .release: events.append(JobEvent(.released, pending.job, at: now))
            }
        }
        // Follow-ups, hooks and callbacks the outcomes inserted: the store has told the nodes
        // (SQLite's signal, PostgreSQL's NOTIFY at commit); subscribers learn of them here.
        if publish { events += stored.inserted.map { JobEvent(.inserted, $0, at: now) } }
        emit(events)
        for queue in wakeQueues { wake(queue: queue) }
    }
}
