package import Conveyor
package import Foundation

extension SQLiteJobStore {
    package func jobs(matching filter: JobFilter) throws -> [Job] {
        try filter.validate()
        if filter.matchesNothing { return [] }
        var (whereClause, values) = Self.conditions(filter)
        values.append(.integer(Int64(filter.limit)))
        let sql = "SELECT \(SQLiteSQL.jobColumns) FROM conveyor_jobs \(whereClause) ORDER BY id DESC LIMIT ?"
        return try storage("listing jobs") { try connection.query(sql, values, connection.readJob) }
    }

    package func countJobs(matching filter: JobFilter) throws -> Int {
        try filter.validate()
        if filter.matchesNothing { return 0 }
        let (whereClause, values) = Self.conditions(filter)
        return try storage("counting jobs") {
            try connection.query("SELECT count(*) FROM conveyor_jobs \(whereClause)", values) { Int($0.int64(0)) }.first ?? 0
        }
    }

    /// The WHERE clause of `filter` (its limit aside), with its values in order.
    private static func conditions(_ filter: JobFilter) -> (String, [SQLiteValue]) {
        var conditions: [String] = []
        var values: [SQLiteValue] = []
        func placeholders(_ items: some Collection<String>) -> String {
            values.append(contentsOf: items.map { .text($0) })
            return Array(repeating: "?", count: items.count).joined(separator: ", ")
        }
        if !filter.states.isEmpty { conditions.append("state IN (\(placeholders(filter.states.map(\.rawValue).sorted())))") }
        if !filter.queues.isEmpty { conditions.append("queue IN (\(placeholders(filter.queues.sorted())))") }
        if !filter.kinds.isEmpty { conditions.append("kind IN (\(placeholders(filter.kinds.sorted())))") }
        for tag in filter.tags.sorted() {
            conditions.append("EXISTS (SELECT 1 FROM json_each(conveyor_jobs.tags) WHERE value = ?)")
            values.append(.text(tag))
        }
        if let args = filter.args {
            conditions.append("conveyor_json_contains(args, ?)")
            values.append(.text(args.jsonText))
        }
        if let batchID = filter.batchID {
            conditions.append("meta <> '{}' AND json_extract(meta, '$.batch_id') = ?")
            values.append(.integer(batchID))
        }
        if let schedule = filter.schedule {
            conditions.append("meta <> '{}' AND json_extract(meta, '$.schedule') = ?")
            values.append(.text(schedule))
        }
        if let after = filter.insertedAfter {
            conditions.append("inserted_at >= ?")
            values.append(.integer(SQLiteCoding.micros(after)))
        }
        if let before = filter.insertedBefore {
            conditions.append("inserted_at < ?")
            values.append(.integer(SQLiteCoding.micros(before)))
        }
        if let beforeID = filter.beforeID {
            conditions.append("id < ?")
            values.append(.integer(beforeID))
        }
        return (conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "), values)
    }

    package func retry(id: Int64, now: Date) throws -> Job {
        try storage("retrying a job") {
            try connection.writeTransaction {
                let before = try connection.job(id: id)?.state
                if let before, let job = try connection.query(SQLiteSQL.retry(id: id, now: now), connection.readJob).first {
                    try connection.store(FinalEffects(reopened: job, wasIn: before), now: now)
                    signalAvailable([job.queue])
                    return job
                }
                throw try refusal(id: id, action: "retried", allowed: "retryable, discarded, cancelled or completed")
            }
        }
    }

    package func cancel(id: Int64, reason: String, now: Date) throws -> Job {
        var inserted: [InsertResult] = []
        let job = try storage("cancelling a job") {
            try connection.writeTransaction {
                let attempt = try connection.job(id: id)?.attempt ?? 0
                let entry = JobErrorEntry(attempt: attempt, at: now, message: "cancelled: \(reason)")
                if let job = try connection.query(SQLiteSQL.cancel(id: id, error: StoreCoding.json(entry), now: now), connection.readJob).first {
                    inserted = try connection.store(FinalEffects(finished: [job]), now: now)
                    return job
                }
                throw try refusal(id: id, action: "cancelled", allowed: "scheduled, available, executing or retryable")
            }
        }
        signalBus.publish(.jobCancelled(id: id))
        signalAvailable(inserted)
        return job
    }

    package func delete(id: Int64, now: Date) throws -> Job {
        try storage("deleting a job") {
            try connection.writeTransaction {
                if let job = try connection.query(SQLiteSQL.delete(id: id), connection.readJob).first {
                    signalAvailable(try connection.store(FinalEffects(deleted: job), now: now))
                    return job
                }
                throw try refusal(id: id, action: "deleted", allowed: "any state but executing (cancel it first)")
            }
        }
    }

    /// Why a job could not be changed: it does not exist, or its state does not allow it.
    private func refusal(id: Int64, action: String, allowed: String) throws -> ConveyorError {
        guard let job = try connection.job(id: id) else { return .jobNotFound(id) }
        return ConveyorError(.conflict, field: "state", "job \(id) is \(job.state.rawValue) and cannot be \(action); it must be \(allowed)")
    }

    package func queueSummaries() throws -> [QueueSummary] {
        try storage("counting jobs") {
            QueueSummary.summaries(counts: try stateCounts(SQLiteSQL.activeCountsByQueue) + finalCounts(), settings: try readQueueSettings())
        }
    }

    package func queueSettings() throws -> [QueueSettings] {
        try storage("reading queue settings") { try readQueueSettings() }
    }

    private func readQueueSettings() throws -> [QueueSettings] {
        try connection.query(SQLiteSQL.queueSettings) { row in
            QueueSettings(queue: row.text(0), paused: row.int(1) != 0, limits: QueueLimits(
                concurrency: row.optionalInt64(2).map(Int.init), rateCount: row.optionalInt64(3).map(Int.init), ratePeriodMicros: row.optionalInt64(4)),
                retention: try row.optionalText(5).map { try StoreCoding.decoder.decode(QueueRetention.self, from: Data($0.utf8)) })
        }
    }

    /// Counts of finished jobs, reused for a multiple of what counting them cost (see
    /// ``CostBoundedReuse``): they grow with retention, and while they are counted no claim
    /// or acknowledgement of this store runs.
    private func finalCounts() throws -> [QueueStateCount] {
        let started = timers.now
        if case .reuse(let counts) = finalCountReuse.decide(at: started) { return counts }
        do {
            let counts = try stateCounts(SQLiteSQL.finalCountsByQueue)
            finalCountReuse.read(counts, startedAt: started, endedAt: timers.now)
            return counts
        } catch {
            finalCountReuse.readFailed(startedAt: started, endedAt: timers.now)
            throw error
        }
    }

    private func stateCounts(_ query: SQLiteQuery) throws -> [QueueStateCount] {
        try connection.query(query) { ($0.text(0), $0.text(1), $0.int(2)) }.compactMap { queue, state, count in
            JobState(rawValue: state).map { QueueStateCount(queue: queue, state: $0, count: count) }
        }
    }

    package func finishedActivity(queue: String, since: Date, waits: Int) throws -> FinishedActivity {
        try storage("reading a queue's activity") {
            var minutes: [Int64: FinishedActivity.Counts] = [:]
            for (minute, counts) in try connection.query(SQLiteSQL.finishedPerMinute(queue: queue, since: since), {
                ($0.int64(0), FinishedActivity.Counts(completed: Int($0.int64(1)), failed: Int($0.int64(2))))
            }) {
                minutes[minute] = counts
            }
            let waits = try connection.query(SQLiteSQL.latestWaits(queue: queue, since: since, limit: waits)) { Double($0.int64(0)) / 1_000_000 }
            return FinishedActivity(minutes: minutes, waits: waits)
        }
    }

    package func setPaused(_ paused: Bool, queue: String, now: Date) throws {
        try storage("pausing a queue") {
            try connection.run(SQLiteSQL.setPaused(paused, queue: queue, now: now))
        }
        signalBus.publish(.queueChanged(queue: queue))
    }

    package func setRetention(_ retention: QueueRetention?, queue: String, now: Date) throws {
        try storage("setting queue retention") {
            try connection.run(SQLiteSQL.setRetention(retention, queue: queue, now: now))
        }
    }

    package func setLimits(_ limits: QueueLimits, queue: String, now: Date) throws {
        try storage("setting queue limits") {
            try connection.run(SQLiteSQL.setLimits(limits, queue: queue, now: now))
        }
        signalBus.publish(.queueChanged(queue: queue))
    }
}
