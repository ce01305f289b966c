public import Conveyor
package import Foundation

/// Conveyor's embedded store: one SQLite file in WAL mode, zero set-up.
///
/// Several processes on one machine may share the file: every write takes the write lock at
/// once (`BEGIN IMMEDIATE`), so two processes never claim the same job. All work runs on a
/// thread of the store's own, so SQLite's blocking calls never hold up Swift's task pool.
///
/// ```swift
/// let conveyor = try await Conveyor(store: .sqlite(path: "conveyor.sqlite"), queues: ["default": 10])
/// ```
public actor SQLiteJobStore: JobStore {
    /// The settings the store was opened with.
    public nonisolated let configuration: SQLiteConfiguration
    nonisolated let thread: DatabaseThread
    nonisolated let signalBus = EventBus<StoreSignal>(bufferSize: 1_000)
    /// Carries job events between the processes on the file.
    nonisolated let events = SQLiteEventCarrier()
    let connection: SQLiteConnection
    var finalCountReuse = CostBoundedReuse<[QueueStateCount]>()
    nonisolated let timers: TimerClock

    /// The store's own database thread, which runs every statement.
    public nonisolated var unownedExecutor: UnownedSerialExecutor { thread.asUnownedSerialExecutor() }

    /// Opens (creating if needed) the database at `configuration.path` in WAL mode.
    ///
    /// - Throws: `ConveyorError` (`storage`) if the file cannot be opened or set up.
    public init(configuration: SQLiteConfiguration) throws {
        self.configuration = configuration
        timers = TimerClock(configuration.timerClock)
        do {
            connection = try SQLiteConnection(path: configuration.path, busyTimeout: configuration.busyTimeout)
            try connection.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = \(configuration.synchronous.rawValue); PRAGMA foreign_keys = OFF;")
        } catch {
            throw ConveyorError(.storage, field: "path", "cannot open SQLite database at '\(configuration.path)'", underlying: error)
        }
        thread = DatabaseThread(name: "conveyor-sqlite")
    }

    /// Opens the database at `path` with default settings.
    public init(path: String) throws {
        try self.init(configuration: SQLiteConfiguration(path: path))
    }

    deinit { thread.stop() }

    package nonisolated func signals() -> AsyncStream<StoreSignal> { signalBus.subscribe() }

    package func migrate() throws {
        do {
            try connection.run(SQLiteSchema.createMigrationsTable)
            try connection.writeTransaction {
                let applied = Set(try connection.query("SELECT version FROM conveyor_migrations") { $0.int(0) })
                for migration in SQLiteSchema.migrations where !applied.contains(migration.version) {
                    try connection.execute(migration.sql)
                    try connection.run("INSERT INTO conveyor_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
                                       [.integer(Int64(migration.version)), .text(migration.name), .integer(SQLiteCoding.micros(Date()))])
                }
            }
        } catch {
            throw ConveyorError(.migration, "the schema of '\(configuration.path)' could not be brought up to date", underlying: error)
        }
    }

    package func insert(_ jobs: [JobInsert], now: Date) throws -> [InsertResult] {
        let results = try storage("inserting jobs") {
            try connection.writeTransaction { try connection.insertJobs(jobs, now: now) }
        }
        signalAvailable(results)
        return results
    }

    package func claim(queue: String, limit: Int, node: String, now: Date) throws -> [Job] {
        guard limit > 0 else { return [] }
        let jobs = try storage("claiming jobs") {
            try connection.writeTransaction {
                // The write lock is held from here to commit: no other claim can move the counts.
                let limited = try connection.query(SQLiteSQL.queueLimits(queue)) { row in
                    (paused: row.int(0) != 0, limits: QueueLimits(
                        concurrency: row.optionalInt64(1).map(Int.init), rateCount: row.optionalInt64(2).map(Int.init), ratePeriodMicros: row.optionalInt64(3)))
                }.first
                guard let limited else { return try claimJobs(queue: queue, limit: limit, node: node, now: now) }
                return try claimLimited(queue: queue, limit: limit, limits: limited.limits, paused: limited.paused, node: node, now: now)
            }
        }
        // RETURNING gives rows in no promised order; run them in the order they were chosen.
        return jobs.sorted(by: Job.claimOrder)
    }

    private func claimJobs(queue: String, limit: Int, node: String, now: Date) throws -> [Job] {
        try connection.query(SQLiteSQL.claim, [.integer(SQLiteCoding.micros(now)), .text(node), .text(queue), .integer(Int64(limit))],
                             connection.readJob)
    }

    /// A claim within the queue's limits, inside the caller's write transaction.
    private func claimLimited(queue: String, limit: Int, limits: QueueLimits, paused: Bool, node: String, now: Date) throws -> [Job] {
        var claim = LimitedClaim(limits: limits, paused: paused, requested: limit, now: now)
        var jobs: [Job] = []
        while true {
            switch claim.next() {
            case .forgetStarts(let windowStart):
                try connection.run(SQLiteSQL.forgetStarts(queue, before: windowStart))
            case .count(let windowStart):
                let executing = try connection.query(SQLiteSQL.executing(inQueue: queue)) { $0.int(0) }.first ?? 0
                let started = try windowStart.map { try connection.query(SQLiteSQL.started(queue, since: $0)) { $0.int(0) }.first ?? 0 }
                claim.counted(executing: executing, started: started ?? 0)
            case .claim(let allowed):
                jobs = try claimJobs(queue: queue, limit: allowed, node: node, now: now)
                claim.claimed(jobs.count)
            case .recordStarts(let count, let at):
                try connection.run(SQLiteSQL.recordStarts(queue, at: at, count: count))
            case .done:
                return jobs
            }
        }
    }

    package func acknowledge(_ acks: [JobAck], now: Date) throws -> Acknowledged {
        var applied = Set<Int64>()
        var inserted: [InsertResult] = []
        try storage("storing job outcomes") {
            try connection.writeTransaction {
                var finished: [Job] = []
                var followUps: [Int64: [JobInsert]] = [:]
                for ack in acks {
                    if ack.hasFinalEffects {
                        // The row as it ends tells what else to store.
                        guard let job = try connection.query(SQLiteSQL.acknowledgeReturningJob, Self.values(for: ack, now: now), connection.readJob).first
                        else { continue }
                        finished.append(job)
                        followUps[job.id] = ack.followUps
                        applied.insert(job.id)
                    } else if ack.isPlainCompletion {
                        let fence: [SQLiteValue] = [.integer(SQLiteCoding.micros(now)), .integer(ack.attempt.jobID), .integer(Int64(ack.attempt.attempt)), .text(ack.attempt.node)]
                        if try connection.run(SQLiteSQL.complete, fence) == 1 { applied.insert(ack.attempt.jobID) }
                    } else if try connection.run(SQLiteSQL.acknowledge, Self.values(for: ack, now: now)) == 1 {
                        applied.insert(ack.attempt.jobID)
                    }
                }
                inserted = try connection.store(FinalEffects(finished: finished, followUps: followUps), now: now)
            }
        }
        signalAvailable(inserted)
        return Acknowledged(applied: applied, inserted: inserted.filter { !$0.isDuplicate }.map(\.job))
    }

    package func recordProgress(_ attempt: JobAttempt, _ progress: JobProgress) throws {
        try storage("saving progress") {
            try connection.run(SQLiteSQL.recordProgress(attempt, progress))
        }
    }

    package func job(id: Int64) throws -> Job? {
        try storage("reading a job") { try connection.job(id: id) }
    }

    /// Runs `body`, turning SQLite's errors into ``ConveyorError``s that say what was being done.
    @discardableResult
    func storage<T>(_ doing: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw StoreFailure.error(doing, error, brokeConstraint: (error as? SQLiteError)?.isConstraintViolation == true)
        }
    }

    func signalAvailable(_ queues: some Sequence<String>) {
        for queue in Set(queues) { signalBus.publish(.jobsAvailable(queue: queue)) }
    }

    func signalAvailable(_ inserted: [InsertResult]) {
        signalAvailable(inserted.lazy.filter { !$0.isDuplicate && $0.job.state == .available }.map(\.job.queue))
    }
}

extension SQLiteJobStore {
    /// The embedded SQLite store at `path`, created if missing.
    public static func sqlite(path: String) throws -> SQLiteJobStore { try SQLiteJobStore(path: path) }
}

