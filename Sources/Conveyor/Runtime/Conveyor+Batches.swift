import Foundation

extension Conveyor {
    /// The most jobs one batch is enqueued with; follow-ups may add more.
    public static let maxBatchSize = 100_000

    /// Enqueues `jobs` as one batch, in one transaction: when every one of them (and every
    /// follow-up they enqueue) is final, `callback` is enqueued once with the counts.
    ///
    /// ```swift
    /// let users = try await db.usersWithHubSpot()
    /// let (batch, _) = try await conveyor.enqueueBatch(
    ///     ImportNotes.self, args: users.map { ImportNotes.Args(userID: $0.id) },
    ///     callback: BatchCallback(ReportImport.self, args: ["started_by": "scheduler"]))
    /// ```
    ///
    /// - Throws: ``ConveyorError`` (`invalidInput`) naming the bad field: no jobs, more than
    ///   ``maxBatchSize``, a job that is unique (a duplicate could not join the batch), an
    ///   invalid callback. Nothing is inserted then.
    @discardableResult
    public func enqueueBatch<W: JobWorker>(
        _ worker: W.Type, args: [W.Args], options: EnqueueOptions = EnqueueOptions(), callback: BatchCallback
    ) async throws -> (batch: Batch, jobs: [Job]) {
        try await enqueueBatch(resolve(worker, args: args, options: options), callback: callback)
    }

    /// Enqueues prepared jobs of any kind as one batch (the HTTP API and the CLI use it).
    ///
    /// - Throws: as ``enqueueBatch(_:args:options:callback:)``, naming `jobs[i].field`.
    @discardableResult
    public func enqueueBatch(_ jobs: [JobInsert], callback: BatchCallback) async throws -> (batch: Batch, jobs: [Job]) {
        guard !jobs.isEmpty else { throw ConveyorError.invalid("jobs", "a batch needs at least one job") }
        guard jobs.count <= Self.maxBatchSize else {
            throw ConveyorError.invalid("jobs", "a batch takes at most \(Self.maxBatchSize) jobs, got \(jobs.count); split it")
        }
        for (index, job) in jobs.enumerated() {
            do throws(ConveyorError) {
                try job.validate()
                if job.unique != nil { throw ConveyorError.invalid("unique", "a batch's jobs cannot be unique: a duplicate would not join it") }
                if job.batchID != nil { throw ConveyorError.invalid("meta.batch_id", "is set by Conveyor") }
            } catch {
                throw ConveyorError(error.code, field: "jobs[\(index)].\(error.field ?? "")", error.message)
            }
        }
        try callback.validate()
        let (batch, results) = try await tracing.enqueue(jobs) { try await store.insertBatch($0, callback: callback, now: clock.now()) }
        if wantsEvents { emit(results.map { JobEvent(.inserted, $0.job, at: $0.job.insertedAt) }) }
        for queue in Set(results.filter { $0.job.state == .available }.map(\.job.queue)) { wake(queue: queue) }
        return (batch, results.map(\.job))
    }

    /// The batch with `id`, with its counts as they are now.
    /// - Throws: ``ConveyorError`` (`notFound`) if there is none.
    public func batch(id: Int64) async throws -> Batch {
        guard let batch = try await store.batch(id: id) else {
            throw ConveyorError(.notFound, field: "id", "no batch has id \(id)")
        }
        return batch
    }

    /// Batches, newest first: at most `limit` (1…1000), with ids below `beforeID` if given.
    public func batches(beforeID: Int64? = nil, limit: Int = 100) async throws -> [Batch] {
        guard (1...1_000).contains(limit) else { throw ConveyorError.invalid("limit", "must be between 1 and 1000, got \(limit)") }
        return try await store.batches(beforeID: beforeID, limit: limit)
    }
}
