import Conveyor
import Foundation
import PostgresNIO

/// New jobs as a multi-row insert stores them: one insert time, each job's scheduled time and
/// first state. The answered `Job`s are built from the same values, so nothing is read back.
struct InsertPlan {
    let jobs: [JobInsert]
    /// As stored (``PostgresJobStore/storedDate(_:)``), as are the scheduled times.
    let now: Date
    let scheduled: [Date]
    let states: [JobState]

    init(_ jobs: [JobInsert], now: Date) {
        let now = PostgresJobStore.storedDate(now)
        self.jobs = jobs
        self.now = now
        scheduled = jobs.map { $0.scheduledAt.map(PostgresJobStore.storedDate) ?? now }
        states = scheduled.map { $0 > now ? .scheduled : .available }
    }

    /// $1 – $10 of the `unnest` inserts: the jobs' columns as arrays, and the insert time at $9.
    func columnBindings(capacity: Int) -> PostgresBindings {
        var binds = PostgresBindings(capacity: capacity)
        binds.append(jobs.map(\.kind))
        binds.append(jobs.map(\.queue))
        binds.append(states.map(\.rawValue))
        binds.append(jobs.map { Int16(clamping: $0.priority) })
        binds.append(jobs.map(\.args.text))
        binds.append(jobs.map(\.meta.text))
        binds.append(jobs.map { PostgresJobStore.arrayLiteral($0.tags) })
        binds.append(jobs.map { Int32(clamping: $0.maxAttempts) })
        binds.append(StoredTimestamp(now))
        binds.append(scheduled.map(StoredTimestamp.init))
        return binds
    }

    /// The queues that got an available job, to wake.
    var queuesToWake: [String] {
        Array(Set(zip(jobs, states).lazy.filter { $0.1 == .available }.map(\.0.queue)))
    }

    /// The job at `index` as stored with `id`.
    func inserted(_ index: Int, id: Int64, uniqueKey: String? = nil) -> InsertResult {
        let insert = jobs[index]
        return InsertResult(job: Job(
            id: id, kind: insert.kind, queue: insert.queue, state: states[index], priority: insert.priority,
            args: insert.args, meta: insert.meta, tags: insert.tags, attempt: 0, maxAttempts: insert.maxAttempts, errors: [],
            insertedAt: now, scheduledAt: scheduled[index], attemptedAt: nil, finishedAt: nil, attemptedBy: nil, uniqueKey: uniqueKey),
            isDuplicate: false)
    }
}
