import Foundation

/// Workers in other processes and languages, over HTTP: a worker process fetches jobs as
/// leases, renews them while it works (its heartbeat as a node), and ends each with an outcome
/// fenced by the lease's attempt, exactly as a Swift node's. A worker that stops renewing is a
/// node that stopped heartbeating: its jobs are rescued after ``ConveyorConfiguration/rescueAfter``.
extension Conveyor {
    /// The longest a fetch may wait for jobs.
    public static let maximumLeaseWait: Duration = .seconds(60)

    /// Claims up to `limit` jobs of `queues` (in that order) for the worker process `worker`,
    /// waiting up to `wait` for the first; queue pauses, limits and priorities hold as for
    /// nodes. The worker appears as a node with `queues`, `kinds` and `slots` (its concurrency,
    /// when it says).
    ///
    /// - Throws: ``ConveyorError`` (`invalidInput`) naming a bad worker name, queue, limit, slots or wait.
    public func lease(worker: String, queues: [String], kinds: [String] = [], slots: Int? = nil, limit: Int, wait: Duration) async throws -> [Lease] {
        try Self.validate(worker: worker, queues: queues, kinds: kinds, slots: slots)
        guard (1...1_000).contains(limit) else { throw ConveyorError.invalid("limit", "must be between 1 and 1000, got \(limit)") }
        guard wait >= .zero, wait <= Self.maximumLeaseWait else {
            throw ConveyorError.invalid("wait_seconds", "must be between 0 and \(Self.maximumLeaseWait.components.seconds), got \(wait)")
        }
        try await heartbeat(worker: worker, queues: queues, kinds: kinds, slots: slots)
        let deadline = timers.now + wait
        let (waiter, signal) = leaseWaiters.register(Set(queues))
        defer { leaseWaiters.remove(waiter) }
        while true {
            var leased: [Job] = []
            for queue in queues where leased.count < limit {
                leased += try await store.claim(queue: queue, limit: limit - leased.count, node: worker, now: clock.now())
            }
            if !leased.isEmpty {
                if wantsEvents { emit(leased.map { JobEvent(.started, $0, at: $0.attemptedAt ?? clock.now()) }, from: worker) }
                return leased.map { Lease(job: $0, token: LeaseToken(JobAttempt(jobID: $0.id, attempt: $0.attempt, node: worker)).text) }
            }
            guard timers.now < deadline, !Task.isCancelled, !isStopping else { return [] }
            // Woken by an enqueue here or another node's signal; polled meanwhile for what
            // arrives unannounced (other processes on a SQLite file, scheduled jobs coming due).
            await signal.wait(until: min(deadline, timers.now + configuration.pollInterval), on: timers)
        }
    }

    /// Declares the kinds the worker process `worker` runs, with their options: enqueues by
    /// kind name get them from now on, on every node, as they do a Swift worker's. A kind
    /// declared again (later in `kinds`, or by any worker or node) takes the newest options.
    ///
    /// - Throws: ``ConveyorError`` (`invalidInput`) naming `kinds[i].FIELD` at fault; nothing is
    ///   declared then.
    public func declare(_ kinds: [WorkerKind], worker: String) async throws {
        try JobInsert.validateName(worker, field: "worker")
        let now = clock.now()
        var newest: [String: WorkerKind] = [:]
        for (index, declared) in kinds.enumerated() {
            newest[declared.kind] = declared
            // The rules of an enqueue, checked once: names, priority, attempts, tags, backoff, timeout.
            let options = EnqueueOptions(queue: declared.queue, priority: declared.priority, maxAttempts: declared.maxAttempts,
                                         tags: declared.tags, backoff: declared.backoff, timeout: declared.timeout)
            do {
                _ = try options.resolve(kind: declared.kind, args: .emptyObject, defaults: JobOptions(), now: now)
            } catch {
                throw ConveyorError(error.code, field: "kinds[\(index)].\(error.field ?? "kind")", error.message)
            }
        }
        try await store.declareKinds(newest.values.map { DeclaredKind($0, worker: worker, at: now) }.sorted { $0.kind < $1.kind })
    }

    /// Renews the worker's leases: records that it is alive (as a node with `queues`, `kinds`
    /// and `slots`) and says which of `tokens` are no longer its own.
    public func renewLeases(worker: String, queues: [String], kinds: [String] = [], slots: Int? = nil, tokens: [String]) async throws -> LeaseRenewal {
        try Self.validate(worker: worker, queues: queues, kinds: kinds, slots: slots)
        let leases = try tokens.map { text throws(ConveyorError) in try LeaseToken(parsing: text) }
        let current = try await heartbeat(worker: worker, queues: queues, kinds: kinds, slots: slots)
        var renewal = LeaseRenewal(cancelled: [], lost: [])
        for lease in leases where !current.contains(lease.attempt) {
            let state = try await store.job(id: lease.attempt.jobID)?.state
            if state == .cancelled { renewal.cancelled.append(lease.text) } else { renewal.lost.append(lease.text) }
        }
        return renewal
    }

    /// Records progress of a leased job, as ``JobContext/progress(_:_:details:)`` does.
    ///
    /// - Throws: ``ConveyorError`` (`conflict`) if the lease is no longer current.
    public func reportProgress(lease token: String, fraction: Double, message: String?, details: JSONValue?) async throws {
        try await reportProgress(leasedAttempt(token), fraction: fraction, message: message, details: details)
    }

    /// ``reportProgress(lease:fraction:message:details:)`` for an attempt already read.
    package func reportProgress(_ leased: LeasedAttempt, fraction: Double, message: String?, details: JSONValue?) async throws {
        guard fraction.isFinite, (0...1).contains(fraction) else { throw ConveyorError.invalid("progress", "must be a number from 0 to 1") }
        let raw = details.map(RawJSON.init)
        if let raw { try StoredText.check(raw, field: "details") }
        if let message { try StoredText.check(message, field: "message") }
        let job = try leased.current()
        try await store.recordProgress(leased.lease.attempt, JobProgress(fraction: fraction, message: message, details: raw))
        if wantsEvents {
            emit([JobEvent(.progress, job, at: clock.now(), progress: fraction, message: message, details: details)], from: leased.lease.attempt.node)
        }
    }

    /// Ends a leased job's attempt with `outcome`; returns the job as stored.
    ///
    /// - Throws: ``ConveyorError``: `conflict` if the lease is no longer current (the job was
    ///   rescued, cancelled or finished meanwhile), `invalidInput` for a bad token or result.
    @discardableResult
    public func finish(lease token: String, _ outcome: LeaseOutcome) async throws -> Job {
        try await finish(leasedAttempt(token), outcome)
    }

    /// ``finish(lease:_:)`` for an attempt already read.
    @discardableResult
    package func finish(_ leased: LeasedAttempt, _ outcome: LeaseOutcome) async throws -> Job {
        let job = try leased.current(), lease = leased.lease
        let now = clock.now()
        func entry(_ message: String) -> JobErrorEntry {
            JobErrorEntry(attempt: job.attempt, at: now, message: message, node: job.attemptedBy, startedAt: job.attemptedAt)
        }
        let stored: JobAck.Outcome
        switch outcome {
        case .completed(let result):
            let raw = result.map(RawJSON.init)
            if let raw { try StoredText.check(raw, field: "result") }
            stored = .completed(result: raw)
        case .failed(let message, let retryIn):
            if let retryIn, retryIn < .zero { throw ConveyorError.invalid("retry_in_seconds", "must not be negative") }
            let error = entry(StoredText.repaired(message))
            if let retryIn, job.attempt < job.maxAttempts {
                stored = .retry(at: InstantRange.clamp(now.addingTimeInterval(retryIn.seconds)), error: error)
            } else {
                stored = failure(job, error, backoff: job.ownBackoff ?? .exponential())
            }
        case .snoozed(let duration):
            guard duration >= .zero else { throw ConveyorError.invalid("snooze_seconds", "must not be negative") }
            stored = .snooze(until: InstantRange.clamp(now.addingTimeInterval(duration.seconds)))
        case .discarded(let reason):
            stored = .discard(error: entry("discarded: \(StoredText.repaired(reason))"))
        case .cancelled(let reason):
            stored = .cancel(error: entry("cancelled: \(StoredText.repaired(reason))"))
        }
        let ack = JobAck(lease.attempt, stored, mayHaveFinalEffects: job.mayHaveFinalEffects)
        let result = try await store.acknowledge([ack], now: now)
        guard result.applied.contains(job.id) else { throw Self.staleLease(lease, job: try await store.job(id: job.id) ?? job) }
        publishOutcomes([PendingAck(ack: ack, job: job)], stored: result)
        return try await store.job(id: job.id) ?? job
    }

    /// The job a lease names, as stored now (whether the lease is still current or not: the
    /// API checks a worker key's queues first).
    package func leasedAttempt(_ token: String) async throws -> LeasedAttempt {
        let lease = try LeaseToken(parsing: token)
        guard let job = try await store.job(id: lease.attempt.jobID) else { throw ConveyorError.jobNotFound(lease.attempt.jobID) }
        return LeasedAttempt(job: job, lease: lease)
    }

    fileprivate static func staleLease(_ lease: LeaseToken, job: Job) -> ConveyorError {
        ConveyorError(.conflict, field: "lease", "lease \(lease.text) is no longer current: job \(job.id) is \(job.state.rawValue)"
                      + (job.attemptedBy.map { " (attempt \(job.attempt) on \($0))" } ?? "") + "; stop working on it")
    }

    private static func validate(worker: String, queues: [String], kinds: [String], slots: Int?) throws(ConveyorError) {
        try JobInsert.validateName(worker, field: "worker")
        guard !queues.isEmpty else { throw ConveyorError.invalid("queues", "name at least one queue to take jobs from") }
        for queue in queues { try JobInsert.validateName(queue, field: "queues") }
        for kind in kinds { try JobInsert.validateName(kind, field: "kinds") }
        if let slots, !(1...100_000).contains(slots) { throw ConveyorError.invalid("slots", "must be between 1 and 100000, got \(slots)") }
    }

    /// Records the worker as a node; answers the attempts it holds.
    @discardableResult
    private func heartbeat(worker: String, queues: [String], kinds: [String], slots: Int?) async throws -> Set<JobAttempt> {
        let now = clock.now()
        let held = try await store.executingAttempts(node: worker)
        try await store.heartbeat(NodeRecord(name: worker, queues: queues.sorted(), kinds: kinds.sorted(), startedAt: now, heartbeatAt: now,
                                             running: held.count, slots: slots))
        return held
    }
}

/// A job as a lease names it, read once for the checks an outcome or a report needs.
package struct LeasedAttempt: Sendable {
    package let job: Job
    package let lease: LeaseToken

    /// The job, if the lease is still its current attempt.
    /// - Throws: ``ConveyorError`` (`conflict`) naming the job's state otherwise.
    func current() throws -> Job {
        guard job.state == .executing, job.attempt == lease.attempt.attempt, job.attemptedBy == lease.attempt.node else {
            throw Conveyor.staleLease(lease, job: job)
        }
        return job
    }
}
