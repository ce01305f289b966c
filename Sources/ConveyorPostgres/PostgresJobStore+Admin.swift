package import Conveyor
package import Foundation
import PostgresNIO
import Synchronization

extension PostgresJobStore {
    package func jobs(matching filter: JobFilter) async throws -> [Job] {
        try filter.validate()
        if filter.matchesNothing { return [] }
        return try await storage("listing jobs") { [self] in try await jobs(sql.jobs(matching: filter)) }
    }

    package func countJobs(matching filter: JobFilter) async throws -> Int {
        try filter.validate()
        if filter.matchesNothing { return 0 }
        return try await storage("counting jobs") { [self] in
            Int(try await rows(sql.jobs(matching: filter, counting: true)).first?.decode(Int64.self) ?? 0)
        }
    }

    package func finishedActivity(queue: String, since: Date, waits: Int) async throws -> FinishedActivity {
        try await storage("reading a queue's activity") { [self] in
            var minutes: [Int64: FinishedActivity.Counts] = [:]
            for row in try await rows(sql.finishedPerMinute(queue: queue, since: since)) {
                let (minute, completed, failed) = try row.decode((Int64, Int64, Int64).self)
                minutes[minute] = FinishedActivity.Counts(completed: Int(completed), failed: Int(failed))
            }
            let waits = try await rows(sql.latestWaits(queue: queue, since: since, limit: waits)).map { try $0.decode(Double.self) }
            return FinishedActivity(minutes: minutes, waits: waits)
        }
    }

    package func retry(id: Int64, now: Date) async throws -> Job {
        try await storage("retrying a job") { [self] in
            let retried = try await withTransaction { connection -> Job? in
                guard let row = try await connection.query(sql.retry(id: id, now: now), logger: logger).collect().first else { return nil }
                answerArrived()
                let job = try Self.readJobs([row])[0]
                let before = try JobState(parsing: PostgresRandomAccessRow(row)[PostgresSQL.jobColumnCount].decode(String.self))
                try await Self.store(FinalEffects(reopened: job, wasIn: before), now: now, sql: sql, on: connection, logger: logger)
                return job
            }
            if let retried {
                try await notify(.jobsAvailable(queue: retried.queue))
                return retried
            }
            throw try await refusal(id: id, action: "retried", allowed: "retryable, discarded, cancelled or completed")
        }
    }

    package func cancel(id: Int64, reason: String, now: Date) async throws -> Job {
        try await storage("cancelling a job") { [self] in
            let cancelled = try await withTransaction { connection -> Job? in
                guard let job = try Self.readJobs(await connection.query(sql.cancel(id: id, error: "cancelled: \(reason)", now: now), logger: logger).collect()).first
                else { return nil }
                answerArrived()
                try await Self.store(FinalEffects(finished: [job]), now: now, sql: sql, on: connection, logger: logger)
                return job
            }
            if let cancelled {
                try await notify(.jobCancelled(id: id))
                return cancelled
            }
            throw try await refusal(id: id, action: "cancelled", allowed: "scheduled, available, executing or retryable")
        }
    }

    package func delete(id: Int64, now: Date) async throws -> Job {
        try await storage("deleting a job") { [self] in
            let deleted = try await withTransaction { connection -> Job? in
                guard let job = try Self.readJobs(await connection.query(sql.delete(id: id), logger: logger).collect()).first else { return nil }
                answerArrived()
                try await Self.store(FinalEffects(deleted: job), now: now, sql: sql, on: connection, logger: logger)
                return job
            }
            if let deleted { return deleted }
            throw try await refusal(id: id, action: "deleted", allowed: "any state but executing (cancel it first)")
        }
    }

    private func refusal(id: Int64, action: String, allowed: String) async throws -> ConveyorError {
        guard let job = try await job(id: id) else { return .jobNotFound(id) }
        return ConveyorError(.conflict, field: "state", "job \(id) is \(job.state.rawValue) and cannot be \(action); it must be \(allowed)")
    }

    package func queueSummaries() async throws -> [QueueSummary] {
        try await storage("counting jobs") { [self] in
            let active = try await stateCounts(sql.activeCountsByQueue)
            let final = try await finalCounts()
            return QueueSummary.summaries(counts: active + final, settings: try await readQueueSettings())
        }
    }

    package func queueSettings() async throws -> [QueueSettings] {
        try await storage("reading queue settings") { [self] in try await readQueueSettings() }
    }

    private func readQueueSettings() async throws -> [QueueSettings] {
        try await rows(sql.queueSettings).map { row in
            let (queue, paused, concurrency, rateCount, ratePeriod, retention) = try row.decode((String, Bool, Int32?, Int32?, Int64?, String?).self)
            return QueueSettings(queue: queue, paused: paused, limits: QueueLimits(
                concurrency: concurrency.map(Int.init), rateCount: rateCount.map(Int.init), ratePeriodMicros: ratePeriod),
                retention: try retention.map { try StoreCoding.decoder.decode(QueueRetention.self, from: Data($0.utf8)) })
        }
    }

    /// Counts of finished jobs, reused for a multiple of what counting them cost (see
    /// ``CostBoundedReuse``): they grow with retention, and every open dashboard page asks.
    private func finalCounts() async throws -> [QueueStateCount] {
        let started = timers.now
        if case .reuse(let counts) = finalCountReuse.withLock({ $0.decide(at: started) }) { return counts }
        do {
            var serverSeconds = 0.0
            let counts = try await rows(sql.finalCountsByQueue).compactMap { row in
                let (queue, state, count, elapsed) = try row.decode((String, String, Int64, Double).self)
                serverSeconds = max(serverSeconds, elapsed)
                return Self.stateCount(queue, state, count)
            }
            // Reused for a multiple of the server's time, not of the wait for a connection or
            // for CPU on a busy node: a 1 ms count that took 3 s to come back was reused for a
            // minute, and the counts stood still.
            let ended = timers.now
            finalCountReuse.withLock { $0.read(counts, startedAt: ended - .seconds(serverSeconds), endedAt: ended) }
            return counts
        } catch {
            let ended = timers.now
            finalCountReuse.withLock { $0.readFailed(startedAt: started, endedAt: ended) }
            throw error
        }
    }

    private func stateCounts(_ query: PostgresQuery) async throws -> [QueueStateCount] {
        try await rows(query).compactMap { row in
            let (queue, state, count) = try row.decode((String, String, Int64).self)
            return Self.stateCount(queue, state, count)
        }
    }

    /// A count row as read; nil for a state this version does not know.
    private static func stateCount(_ queue: String, _ state: String, _ count: Int64) -> QueueStateCount? {
        JobState(rawValue: state).map { QueueStateCount(queue: queue, state: $0, count: Int(count)) }
    }

    package func setPaused(_ paused: Bool, queue: String, now: Date) async throws {
        try await storage("pausing a queue") { [self] in
            try await execute(sql.setPaused(paused, queue: queue, now: now))
            try await notify(.queueChanged(queue: queue))
        }
    }

    package func setRetention(_ retention: QueueRetention?, queue: String, now: Date) async throws {
        try await storage("setting queue retention") { [self] in try await execute(sql.setRetention(retention, queue: queue, now: now)) }
    }

    package func setLimits(_ limits: QueueLimits, queue: String, now: Date) async throws {
        try await storage("setting queue limits") { [self] in
            try await execute(sql.setLimits(limits, queue: queue, now: now))
            try await notify(.queueChanged(queue: queue))
        }
        limited.invalidate()
    }
}
