import Foundation

extension Conveyor {
    /// Runs the available jobs of `queue` one batch at a time, without the service loop, and
    /// stores their outcomes; repeats until none is left. Used by `ConveyorTesting`.
    ///
    /// - Parameters:
    ///   - stage: first make due scheduled and retryable jobs available (by the clock).
    ///   - limit: at most this many jobs.
    /// - Returns: the jobs as stored after their attempt, in the order they ran.
    package func drain(queue: String, stage: Bool, limit: Int) async throws -> [Job] {
        // The jobs' timeouts, on a deadline loop of its own: `run()` may be running or not.
        let deadlines = DeadlineWatch(timers: timers)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await deadlines.run() }
            defer { group.cancelAll() }
            return try await drainBatches(queue: queue, stage: stage, limit: limit, deadlines: deadlines)
        }
    }

    private func drainBatches(queue: String, stage: Bool, limit: Int, deadlines: DeadlineWatch) async throws -> [Job] {
        var finished: [Job] = []
        while finished.count < limit {
            if stage { _ = try await store.stage(now: clock.now(), limit: 10_000) }
            let claim = tracing.claimStarted()
            let jobs = try await store.claim(queue: queue, limit: min(100, limit - finished.count), node: node, now: clock.now())
            if jobs.isEmpty { break }
            var batch: [PendingAck] = []
            for job in jobs {
                if let ack = await execute(job, claim: claim, deadlines: deadlines) { batch.append(ack) }
            }
            await storeOutcomes(batch)
            for job in jobs {
                if let stored = try await store.job(id: job.id) { finished.append(stored) }
            }
        }
        return finished
    }
}
