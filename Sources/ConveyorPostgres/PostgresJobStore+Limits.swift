import Conveyor
import Foundation
import PostgresNIO
import Synchronization

/// Which queues have limits, as last read. Only a hint for choosing the claim path: the plain
/// claim refuses limited queues by itself, so a stale answer costs at most one empty claim.
final class LimitedQueues: Sendable {
    private struct Snapshot {
        var names: Set<String> = []
        var readAt: Duration?
    }

    private let snapshot = Mutex(Snapshot())
    private let maximumAge: Duration = .seconds(1)
    let timers: TimerClock

    init(timers: TimerClock) {
        self.timers = timers
    }

    /// The names if read less than a second ago (and not invalidated since).
    var fresh: Set<String>? {
        let now = timers.now
        return snapshot.withLock { snapshot in
            guard let readAt = snapshot.readAt, now - readAt < maximumAge else { return nil }
            return snapshot.names
        }
    }

    func store(_ names: Set<String>, readAt: Duration) {
        snapshot.withLock { $0 = Snapshot(names: names, readAt: readAt) }
    }

    func invalidate() {
        snapshot.withLock { $0.readAt = nil }
    }
}

extension PostgresJobStore {
    func isLimited(_ queue: String) async throws -> Bool {
        if let names = limited.fresh { return names.contains(queue) }
        let readAt = limited.timers.now
        let names = Set(try await rows(sql.limitedQueues).map { try $0.decode(String.self) })
        limited.store(names, readAt: readAt)
        return names.contains(queue)
    }

    /// Claims from a limited queue while holding its row lock, so the count of executing jobs
    /// and the starts in the rate window cannot change between reading them and claiming.
    /// Answers nil when the queue turns out to have no limits (any more).
    func claimWithinLimits(queue: String, limit: Int, node: String, now: Date) async throws -> [Job]? {
        try await withTransaction { connection in
            guard let row = try await connection.query(sql.lockQueue(queue), logger: logger).collect().first else { return nil }
            let (paused, concurrency, rateCount, ratePeriod) = try row.decode((Bool, Int32?, Int32?, Int64?).self)
            let limits = QueueLimits(concurrency: concurrency.map(Int.init), rateCount: rateCount.map(Int.init), ratePeriodMicros: ratePeriod)
            guard limits.isLimited else { return nil }
            var claim = LimitedClaim(limits: limits, paused: paused, requested: limit, now: now)
            var jobs: [Job] = []
            while true {
                switch claim.next() {
                case .forgetStarts(let windowStart):
                    try await connection.query(sql.forgetStarts(queue, before: windowStart), logger: logger)
                case .count(let windowStart):
                    let rows = try await connection.query(sql.limitCounts(queue, startedSince: windowStart ?? now), logger: logger).collect()
                    let counts = try rows.first.map { try $0.decode((Int64, Int64).self) }
                    claim.counted(executing: Int(counts?.0 ?? 0), started: Int(counts?.1 ?? 0))
                case .claim(let allowed):
                    let query = PostgresQuery(unsafeSQL: sql.claimWithinLimits, binds: Self.claimBindings(now: now, node: node, queue: queue, limit: allowed))
                    jobs = try Self.readJobs(await connection.query(query, logger: logger).collect())
                    claim.claimed(jobs.count)
                case .recordStarts(let count, let at):
                    try await connection.query(sql.recordStarts(queue, at: at, count: count), logger: logger)
                case .done:
                    return jobs
                }
            }
        }
    }
}
