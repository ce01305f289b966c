package import Foundation

/// What else a transaction stores when it makes jobs final, or takes them out of a batch:
/// the jobs their hooks enqueue, the follow-ups of completed jobs, and how each batch's counts
/// move. A store applies the batch changes (``BatchChange``), adds the callback of every batch
/// that ends (``Batch/callbackDue()``), and inserts it all in the same transaction.
package struct FinalEffects: Sendable {
    /// Hook jobs and follow-ups, in the order they are to be inserted.
    package private(set) var inserts: [JobInsert] = []
    /// By batch id, ascending: the order in which stores lock batch rows, so two transactions
    /// never wait for each other's batches.
    package private(set) var batchChanges: [BatchChange] = []
    /// The ends of schedules' runs, by schedule name, ascending (the order their rows are
    /// locked in): each store applies ``ScheduleRunEnd`` to the schedule's run record.
    package private(set) var scheduleRuns: [ScheduleRunEnded] = []

    package var isEmpty: Bool { inserts.isEmpty && batchChanges.isEmpty && scheduleRuns.isEmpty }

    /// For jobs that just became final (others are passed over), and the follow-ups the
    /// completed ones hand back, by job id. Follow-ups join their job's batch.
    package init(finished jobs: [Job], followUps: [Int64: [JobInsert]] = [:]) {
        var changes: [Int64: BatchChange] = [:]
        for job in jobs where job.state.isFinal {
            let batchID = job.batchID
            if job.state == .completed, var added = followUps[job.id], !added.isEmpty {
                if let batchID {
                    for index in added.indices { added[index].batchID = batchID }
                    changes[batchID, default: BatchChange(batchID: batchID)].total += added.count
                }
                inserts += added
            }
            if let hook = job.hooks?.hook(for: job.state) {
                inserts.append(JobInsert(kind: hook.kind, queue: hook.queue, args: (try? RawJSON(encoding: JobOutcome(job))) ?? .emptyObject,
                                         priority: hook.priority, maxAttempts: hook.maxAttempts))
            }
            if let batchID { changes[batchID, default: BatchChange(batchID: batchID)].count(job.state) }
            if let run = ScheduleRunEnded(job) { scheduleRuns.append(run) }
        }
        batchChanges = changes.values.sorted { $0.batchID < $1.batchID }
        scheduleRuns.sort { $0.schedule < $1.schedule }
    }

    /// For a job that was `before` and runs again: a final job of a batch no longer counts as
    /// ended.
    package init(reopened job: Job, wasIn before: JobState) {
        guard before.isFinal, let batchID = job.batchID else { return }
        var change = BatchChange(batchID: batchID)
        change.count(before, by: -1)
        batchChanges = [change]
    }

    /// For a deleted job: a batch no longer waits for it if it had not ended.
    package init(deleted job: Job) {
        guard !job.state.isFinal, let batchID = job.batchID else { return }
        var change = BatchChange(batchID: batchID)
        change.total = -1
        batchChanges = [change]
    }
}

/// A schedule's run whose job became final, as ``ScheduleRunEnd`` takes it.
package struct ScheduleRunEnded: Sendable, Hashable {
    package var schedule: String
    package var jobID: Int64
    package var status: ScheduleRunStatus
    package var error: String?

    /// The run `job` was, if a schedule fired it and it is final: a discard (by its worker,
    /// out of attempts or by a rescue) is a failed run.
    init?(_ job: Job) {
        guard let schedule = ScheduleKey.schedule(ofStoredKey: job.uniqueKey) else { return nil }
        switch job.state {
        case .completed: status = .completed
        case .discarded: status = .failed
        case .cancelled: status = .cancelled
        case .scheduled, .available, .executing, .retryable: return nil
        }
        self.schedule = schedule
        jobID = job.id
        error = job.state == .completed ? nil : job.errors.last?.message
    }

    /// Applies this end to the schedule's run record (read locked by the store).
    package func applied(to record: ScheduleRunRecord, at now: Date) -> ScheduleRunRecord {
        ScheduleRunEnd.apply(jobID: jobID, status: status, error: error, at: now, to: record)
    }
}

extension JobAck {
    /// Whether storing this outcome must look at the job's row for what else to store: a final
    /// outcome of a job that may carry hooks or a batch, or a completion with follow-ups.
    package var hasFinalEffects: Bool {
        guard resultingState.isFinal else { return false }
        return mayHaveFinalEffects || !followUps.isEmpty
    }
}
