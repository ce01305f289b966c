package import Conveyor
package import Foundation
import PostgresNIO
import Synchronization

extension PostgresJobStore {
    package func jobs(matching filter: JobFilter) async throws -> [Job] {
        try filter.validate()
        var conditions: [String] = []
        var binds = PostgresBindings()
        var index = 0
        func parameter(_ append: (inout PostgresBindings) -> Void) -> String {
            append(&binds)
            index += 1
            return "$\(index)"
        }
        if !filter.states.isEmpty { conditions.append("state = ANY(\(parameter { $0.append(filter.states.map(\.rawValue).sorted()) }))") }
        if !filter.queues.isEmpty { conditions.append("queue = ANY(\(parameter { $0.append(filter.queues.sorted()) }))") }
        if !filter.kinds.isEmpty { conditions.append("kind = ANY(\(parameter { $0.append(filter.kinds.sorted()) }))") }
        if let tag = filter.tag { conditions.append("\(parameter { $0.append(tag) }) = ANY(tags)") }
        if let after = filter.insertedAfter { conditions.append("inserted_at >= \(parameter { $0.append(after) })") }
        if let before = filter.insertedBefore { conditions.append("inserted_at < \(parameter { $0.append(before) })") }
        if let beforeID = filter.beforeID { conditions.append("id < \(parameter { $0.append(beforeID) })") }
        binds.append(Int64(filter.limit))
        let text = sql.listJobs(where: conditions, limitParameter: index + 1)
        return try await storage("listing jobs") { [self, binds] in try await jobs(text, binds) }
    }

    package func finishedActivity(queue: String, since: Date, waits: Int) async throws -> FinishedActivity {
        var binds = PostgresBindings()
        binds.append(queue)
        binds.append(since)
        var latest = binds
        latest.append(Int64(waits))
        return try await storage("reading a queue's activity") { [self, binds, latest] in
            var minutes: [Int64: FinishedActivity.Counts] = [:]
            for row in try await rows(sql.finishedPerMinute, binds) {
                let (minute, completed, failed) = try row.decode((Int64, Int64, Int64).self)
                minutes[minute] = FinishedActivity.Counts(completed: Int(completed), failed: Int(failed))
            }
            let waits = try await rows(sql.latestWaits, latest).map { try $0.decode(Double.self) }
            return FinishedActivity(minutes: minutes, waits: waits)
        }
    }

    package func retry(id: Int64, now: Date) async throws -> Job {
        var binds = PostgresBindings()
        binds.append(id)
        binds.append(now)
        return try await storage("retrying a job") { [self, binds] in
            if let job = try await jobs(sql.retry, binds).first {
                try await notify(.jobsAvailable(queue: job.queue))
                return job
            }
            throw try await refusal(id: id, action: "retried", allowed: "retryable, discarded, cancelled or completed")
        }
    }

    package func cancel(id: Int64, reason: String, now: Date) async throws -> Job {
        var binds = PostgresBindings()
        binds.append(id)
        binds.append(now)
        binds.append(StoreCoding.iso8601(now))
        binds.append("cancelled: \(reason)")
        return try await storage("cancelling a job") { [self, binds] in
            if let job = try await jobs(sql.cancel, binds).first {
                try await notify(.jobCancelled(id: id))
                return job
            }
            throw try await refusal(id: id, action: "cancelled", allowed: "scheduled, available, executing or retryable")
        }
    }

    package func delete(id: Int64) async throws -> Job {
        var binds = PostgresBindings()
        binds.append(id)
        return try await storage("deleting a job") { [self, binds] in
            if let job = try await jobs(sql.delete, binds).first { return job }
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
            let settings = try await rows(sql.queueSettings).map { row in
                let (queue, paused, concurrency, rateCount, ratePeriod) = try row.decode((String, Bool, Int32?, Int32?, Int64?).self)
                return QueueSettings(queue: queue, paused: paused, limits: QueueLimits(
                    concurrency: concurrency.map(Int.init), rateCount: rateCount.map(Int.init), ratePeriodMicros: ratePeriod))
            }
            return QueueSummary.summaries(counts: active + final, settings: settings)
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

    private func stateCounts(_ query: String) async throws -> [QueueStateCount] {
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
        var binds = PostgresBindings()
        binds.append(queue)
        binds.append(paused)
        binds.append(now)
        try await storage("pausing a queue") { [self, binds] in
            try await execute(sql.setPaused, binds)
            try await notify(.queueChanged(queue: queue))
        }
    }

    package func setLimits(_ limits: QueueLimits, queue: String, now: Date) async throws {
        var binds = PostgresBindings()
        binds.append(queue)
        binds.append(limits.concurrency.map { Int32(clamping: $0) })
        binds.append(limits.rate.map { Int32(clamping: $0.count) })
        binds.append(limits.rate?.periodMicros)
        binds.append(now)
        try await storage("setting queue limits") { [self, binds] in
            try await execute(sql.setLimits, binds)
            try await notify(.queueChanged(queue: queue))
        }
        limited.invalidate()
    }
}
