import Foundation

/// A change made to every job a filter matches, and the states it can act on.
package enum BulkChange: String, Sendable {
    case retry, cancel, delete

    /// Retry: finished or waiting to retry. Cancel: not finished. Delete: anything not executing.
    package var states: Set<JobState> {
        switch self {
        case .retry: [.retryable, .discarded, .cancelled, .completed]
        case .cancel: [.scheduled, .available, .executing, .retryable]
        case .delete: [.scheduled, .available, .retryable, .completed, .discarded, .cancelled]
        }
    }

    /// `filter` narrowed to the states the change acts on; no states left means no job.
    package func narrowed(_ filter: JobFilter) -> JobFilter {
        var narrowed = filter
        narrowed.states = filter.states.isEmpty ? states : filter.states.intersection(states)
        return narrowed
    }
}

/// Retry, cancel and delete many jobs at once, chosen by a filter.
extension Conveyor {
    /// Retries every job matching `filter` that can be retried (retryable, discarded,
    /// cancelled or completed), newest first; at most `maximum`. Jobs whose state changed
    /// meanwhile are passed over.
    ///
    /// - Throws: ``ConveyorError`` (`invalidInput`, field `filter`) for a filter that names
    ///   no state, queue, kind, tag, args or batch: a bulk change of everything is refused.
    /// - Returns: the jobs as they are now, available again.
    public func retryJobs(matching filter: JobFilter, maximum: Int = 10_000) async throws -> [Job] {
        try await forEachJob(matching: filter, .retry, maximum: maximum) { try await self.retry(id: $0.id) }
    }

    /// Cancels every job matching `filter` that has not finished (scheduled, available,
    /// executing or retryable); running ones are stopped. At most `maximum`.
    ///
    /// - Throws: as ``retryJobs(matching:maximum:)``.
    public func cancelJobs(matching filter: JobFilter, reason: String = "cancelled by user", maximum: Int = 10_000) async throws -> [Job] {
        try StoredText.check(reason, field: "reason")
        return try await forEachJob(matching: filter, .cancel, maximum: maximum) { try await self.cancel(id: $0.id, reason: reason) }
    }

    /// Deletes every job matching `filter` that is not executing (scheduled, available,
    /// retryable or finished), newest first; at most `maximum`. A job that started meanwhile
    /// is passed over.
    ///
    /// - Throws: as ``retryJobs(matching:maximum:)``.
    /// - Returns: the jobs as they were when deleted.
    public func deleteJobs(matching filter: JobFilter, maximum: Int = 10_000) async throws -> [Job] {
        try await forEachJob(matching: filter, .delete, maximum: maximum) { try await self.delete(id: $0.id) }
    }

    private func forEachJob(matching filter: JobFilter, _ bulk: BulkChange, maximum: Int,
                            _ change: (Job) async throws -> Job) async throws -> [Job] {
        try filter.validate()
        guard !filter.states.isEmpty || !filter.queues.isEmpty || !filter.kinds.isEmpty || !filter.tags.isEmpty || filter.args != nil
                || filter.batchID != nil || filter.schedule != nil else {
            throw ConveyorError.invalid("filter", "name at least a state, queue, kind, tag, args, batch or schedule; a bulk change of every job is refused")
        }
        var page = bulk.narrowed(filter)
        page.limit = 1_000
        var changed: [Job] = []
        guard !page.states.isEmpty else { return changed }
        while changed.count < maximum {
            let jobs = try await self.jobs(matching: page)
            for job in jobs where changed.count < maximum {
                do {
                    changed.append(try await change(job))
                } catch let error as ConveyorError where error.code == .conflict || error.code == .notFound {
                    continue
                }
            }
            guard jobs.count == page.limit, let last = jobs.last else { break }
            page.beforeID = last.id
        }
        return changed
    }
}
