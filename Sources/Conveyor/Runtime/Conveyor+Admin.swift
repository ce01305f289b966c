import Foundation

extension Conveyor {
    /// The job with `id`.
    /// - Throws: ``ConveyorError`` (`notFound`) if there is none.
    public func job(id: Int64) async throws -> Job {
        guard let job = try await store.job(id: id) else { throw ConveyorError.jobNotFound(id) }
        return job
    }

    /// Jobs matching `filter`, newest first.
    public func jobs(matching filter: JobFilter = JobFilter()) async throws -> [Job] {
        try filter.validate()
        return try await store.jobs(matching: filter)
    }

    /// How many jobs match `filter`: its states, queues, kinds, tags, args, batch, times and
    /// cursor; its limit does not apply.
    public func countJobs(matching filter: JobFilter = JobFilter()) async throws -> Int {
        try filter.validate()
        return try await store.countJobs(matching: filter)
    }

    /// Runs a failed, cancelled or completed job again now.
    @discardableResult
    public func retry(id: Int64) async throws -> Job {
        let job = try await store.retry(id: id, now: clock.now())
        wake(queue: job.queue)
        return job
    }

    /// Cancels a job that is not final; an executing one is stopped on the node running it.
    @discardableResult
    public func cancel(id: Int64, reason: String = "cancelled by user") async throws -> Job {
        try StoredText.check(reason, field: "reason")
        let job = try await store.cancel(id: id, reason: reason, now: clock.now())
        running.stop(id, reason: .lost)
        emit(JobEvent(.cancelled, job, at: clock.now(), message: reason))
        return job
    }

    /// Deletes a job that is not executing.
    @discardableResult
    public func delete(id: Int64) async throws -> Job {
        try await store.delete(id: id, now: clock.now())
    }

    /// Every known queue with its counts by state and paused flag.
    ///
    /// The counts of `scheduled`, `available`, `executing` and `retryable` jobs are read
    /// afresh. The counts of finished jobs are reused for 20 times what counting them took, so
    /// on a table of millions of kept jobs they may be seconds old.
    public func queues() async throws -> [QueueSummary] {
        try await store.queueSummaries()
    }

    /// How many of the newest finished jobs ``activity(queue:minutes:)`` takes the waits of.
    public static let latencySamples = 10_000

    /// Completed and failed jobs per minute over the last `minutes` (1 to 10080, a week), and how long
    /// the jobs that finished then waited to start (the newest ``latencySamples`` of them).
    public func activity(queue: String, minutes: Int = 30) async throws -> QueueActivity {
        try JobInsert.validateName(queue, field: "queue")
        guard (1...10_080).contains(minutes) else { throw ConveyorError.invalid("minutes", "must be between 1 and 10080 (a week), got \(minutes)") }
        let now = clock.now()
        let since = Date(timeIntervalSince1970: ((now.timeIntervalSince1970 / 60).rounded(.down) - Double(minutes - 1)) * 60)
        let finished = try await store.finishedActivity(queue: queue, since: since, waits: Self.latencySamples)
        return QueueActivity(queue: queue, finished: finished, minutes: minutes, now: now)
    }

    /// Stops every node from starting jobs of `queue` until ``resume(queue:)``.
    public func pause(queue: String) async throws {
        try JobInsert.validateName(queue, field: "queue")
        try await store.setPaused(true, queue: queue, now: clock.now())
    }

    /// Lets every node start jobs of `queue` again.
    public func resume(queue: String) async throws {
        try JobInsert.validateName(queue, field: "queue")
        try await store.setPaused(false, queue: queue, now: clock.now())
        wake(queue: queue)
    }

    /// Sets limits on `queue` that hold across every node (``QueueLimits/none`` removes them).
    /// - Throws: ``ConveyorError`` (`invalidInput`) for a bad queue name or limit.
    public func setLimits(_ limits: QueueLimits, queue: String) async throws {
        try JobInsert.validateName(queue, field: "queue")
        try limits.validate()
        try await store.setLimits(limits, queue: queue, now: clock.now())
        wake(queue: queue)
    }

    /// Sets how long `queue` keeps its finished jobs, per final state, over the node-wide
    /// ``Retention``; nil (or a retention with no rule) removes the queue's own rules. The
    /// node that prunes reads it on its next pass, so it holds on every node without restart.
    /// - Throws: ``ConveyorError`` (`invalidInput`) for a bad queue name, age or count.
    public func setRetention(_ retention: QueueRetention?, queue: String) async throws {
        try JobInsert.validateName(queue, field: "queue")
        try retention?.validate()
        try await store.setRetention(retention.flatMap { $0.isEmpty ? nil : $0 }, queue: queue, now: clock.now())
    }

    /// The nodes that have heartbeated recently.
    public func nodes() async throws -> [NodeRecord] { try await store.nodes() }

    /// The node that leads maintenance (staging, rescue, pruning) now, if any.
    public func leader() async throws -> String? { try await store.leader(now: clock.now()) }
}

extension ConveyorError {
    /// No job has this id.
    public static func jobNotFound(_ id: Int64) -> ConveyorError {
        ConveyorError(.notFound, field: "id", "no job with id \(id)")
    }

    /// The error every store and API gives for a schedule name that is not stored.
    public static func scheduleNotFound(_ name: String) -> ConveyorError {
        ConveyorError(.notFound, field: "name", "no schedule named '\(name)'")
    }
}
