public import Conveyor
package import Foundation
public import Logging
public import PostgresNIO
public import ServiceLifecycle
import Synchronization

/// Conveyor's store for many nodes: every node points at one PostgreSQL database.
///
/// It is a `Service`: run it (in a `ServiceGroup`, or in a task) before using it, as with
/// postgres-nio's `PostgresClient`, which it owns. Running it also listens for notifications
/// (new jobs, pause and resume, cancels) so nodes react at once instead of at their next poll.
///
/// ```swift
/// let store = try PostgresJobStore(url: "postgres://conveyor@db:5432/app")
/// let conveyor = ... // after store.run() has started
/// try await ServiceGroup(services: [store, conveyor], logger: logger).run()
/// ```
public final class PostgresJobStore: JobStore, Service {
    /// The schema holding Conveyor's tables.
    public let schema: String
    package let client: PostgresClient
    let ownsClient: Bool
    /// Whether the pool's connections find the schema by `search_path`, so the hot path can
    /// run prepared statements (see ``HotStatement``): true when the store made the pool.
    var preparesStatements: Bool { ownsClient }
    let reconnectDelay: Duration
    let listenerCheckInterval: Duration
    let answerTimeout: Duration
    package let claimBatchingWait: Duration
    let sql: PostgresSQL
    let logger: Logger
    let signalBus = EventBus<StoreSignal>(bufferSize: 1_000)
    /// The configured ``PostgresConfiguration/timerClock``.
    let timers: TimerClock
    let watchdog: DeadlineWatch
    let limited: LimitedQueues
    /// Wakes the event sender: events to send, or an announcement due at once.
    let senderWake = WakeSignal()
    let outbox: EventOutbox
    let eventDemand: EventDemand
    let finalCountReuse = Mutex(CostBoundedReuse<[QueueStateCount]>())
    /// The type of each row loop's id column, read from the catalogue, by table and column.
    let rowIDTypes = Mutex<[String: String]>([:])
    /// Open once ``run()`` runs the store's own pool; always open on a handed-in client.
    let poolStart = PoolStart()
    /// Connections kept between operations, on the store's own pool of at least four; nil on a
    /// handed-in client, whose connections the application shares.
    let keptConnections: KeptConnections?
    /// Tells this store's own notifications apart from other nodes'.
    let instanceID = String(UInt64.random(in: 0 ... .max), radix: 36)

    /// A store with a connection pool of its own, which ``run()`` runs.
    public init(configuration: PostgresConfiguration, logger: Logger = Logger(label: "conveyor.postgres")) throws {
        try configuration.validate()
        self.schema = configuration.schema
        self.reconnectDelay = configuration.reconnectDelay
        self.listenerCheckInterval = configuration.listenerCheckInterval
        self.answerTimeout = configuration.answerTimeout
        self.claimBatchingWait = configuration.claimBatchingWait
        self.timers = TimerClock(configuration.timerClock)
        self.watchdog = DeadlineWatch(timers: timers)
        self.limited = LimitedQueues(timers: timers)
        self.outbox = EventOutbox(arrived: senderWake)
        self.eventDemand = EventDemand(timers: timers, due: senderWake)
        self.logger = logger
        self.sql = PostgresSQL(schema: configuration.schema)
        var client = configuration.client
        client.options.additionalStartupParameters.removeAll { $0.0 == "search_path" }
        client.options.additionalStartupParameters.append(("search_path", configuration.schema))
        // postgres-nio traps on a minimum above the maximum; lower it rather than crash.
        client.options.minimumConnections = min(client.options.minimumConnections, client.options.maximumConnections)
        self.client = PostgresClient(configuration: client, backgroundLogger: EarlyLeaseWarningFilter.wrapping(logger))
        self.ownsClient = true
        let maximum = client.options.maximumConnections
        self.keptConnections = maximum >= 4 ? KeptConnections(limit: maximum / 2, timers: timers) : nil
    }

    /// A store on a `PostgresClient` you already run (for example your application's own);
    /// ``run()`` then runs only the notification listener.
    public init(client: PostgresClient, schema: String = "conveyor", logger: Logger = Logger(label: "conveyor.postgres"),
                timerClock: any Clock<Duration> = ContinuousClock()) throws {
        try PostgresConfiguration.validateSchema(schema)
        self.schema = schema
        self.reconnectDelay = PostgresConfiguration.defaultReconnectDelay
        self.listenerCheckInterval = PostgresConfiguration.defaultListenerCheckInterval
        self.answerTimeout = PostgresConfiguration.defaultAnswerTimeout
        self.claimBatchingWait = PostgresConfiguration.defaultClaimBatchingWait
        self.timers = TimerClock(timerClock)
        self.watchdog = DeadlineWatch(timers: timers)
        self.limited = LimitedQueues(timers: timers)
        self.outbox = EventOutbox(arrived: senderWake)
        self.eventDemand = EventDemand(timers: timers, due: senderWake)
        self.logger = logger
        self.sql = PostgresSQL(schema: schema)
        self.client = client
        self.ownsClient = false
        self.keptConnections = nil
        poolStart.open()
    }

    /// A store for `url` (`postgres://USER[:PASSWORD]@HOST[:PORT]/DB[?schema=NAME]`).
    public convenience init(url: String, logger: Logger = Logger(label: "conveyor.postgres")) throws {
        try self.init(configuration: PostgresConfiguration(url: url), logger: logger)
    }

    /// Runs the connection pool, the notification listener, the event sender and the answer
    /// deadlines until cancelled.
    public func run() async throws {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.runConnections() }
            group.addTask { await self.listenForSignals() }
            group.addTask { await self.sendEvents() }
            try? await gracefulShutdown()
            group.cancelAll()
        }
    }

    /// The longest a migration statement may go unanswered.
    static let migrationAnswerTimeout: Duration = .seconds(600)

    /// What every operation needs (part of ``run()``): the store's own connection pool, if it
    /// has one, and the deadline on answers, without which a query written to a connection that
    /// had just closed would wait for ever.
    package func runConnections() async {
        await withDiscardingTaskGroup { group in
            if ownsClient { group.addTask { await self.runPool() } }
            if let keptConnections { group.addTask { await keptConnections.run(leasingFrom: self.client) } }
            group.addTask { await self.watchdog.run() }
        }
    }

    /// Runs the store's own connection pool and lets operations that waited for it go on.
    private func runPool() async {
        // Opened just before `run()` begins, in the same step of this task, which marks the pool
        // as running a few instructions later (unless the thread is preempted in between: see
        // ``EarlyLeaseWarningFilter``).
        poolStart.open()
        await client.run()
    }

    package func signals() -> AsyncStream<StoreSignal> { signalBus.subscribe() }

    package func migrate() async throws {
        do {
            // A migration may wait for another node's, or build an index on a large table.
            try await storage("migrating the schema", answeredWithin: max(answerTimeout, Self.migrationAnswerTimeout)) { [self] in
                try await runMigrations()
            }
        } catch {
            throw ConveyorError(.migration, "the schema '\(schema)' could not be brought up to date", underlying: error)
        }
    }

    private func runMigrations() async throws {
        try await withTransaction { connection in
            try await connection.query(sql.lockMigrations, logger: logger)
            try await connection.query(sql.createSchema, logger: logger)
            try await connection.query(sql.createMigrations, logger: logger)
            var applied = Set<Int>()
            for try await version in try await connection.query(sql.appliedMigrations, logger: logger).decode(Int32.self) {
                applied.insert(Int(version))
            }
            try await connection.query(sql.useSchema, logger: logger)
            for migration in PostgresSchema.migrations where !applied.contains(migration.version) {
                // The extended protocol takes one statement at a time.
                for statement in migration.sql.components(separatedBy: ";\n") where !statement.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(sql.recordMigration(version: migration.version, name: migration.name), logger: logger)
            }
        }
    }

    package func insert(_ jobs: [JobInsert], now: Date) async throws -> [InsertResult] {
        guard !jobs.isEmpty else { return [] }
        return try await storage("inserting jobs") { [self] in
            if jobs.allSatisfy({ $0.unique == nil }) {
                if self.preparesStatements, jobs.count >= Self.copyThreshold {
                    return try await self.withConnection { try await Self.insertByCopy(jobs, now: now, sql: self.sql, on: $0, logger: self.logger) }
                }
                // Prepared on the store's own connections: an enqueue from a web request is this
                // one statement, and the server need not parse and plan it each time.
                let (plan, binds) = Self.insertBindings(jobs, now: now, sql: self.sql)
                return try Self.inserted(jobs, plan, await self.rows(InsertStatement.self, binds))
            }
            // One job is one insert statement and needs no transaction; a batch is stored whole or not at all.
            let insert = { @Sendable (connection: PostgresConnection) in
                try await Self.insertMayBeUnique(jobs, now: now, sql: self.sql, on: connection, logger: self.logger)
            }
            return try await jobs.count == 1 ? self.withConnection(insert) : self.withTransaction(insert)
        }
    }

    package func claim(queue: String, limit: Int, node: String, now: Date) async throws -> [Job] {
        guard limit > 0 else { return [] }
        let binds = Self.claimBindings(now: now, node: node, queue: queue, limit: limit)
        let claimed = try await storage("claiming jobs") { [self, binds] in
            if try await isLimited(queue), let jobs = try await claimWithinLimits(queue: queue, limit: limit, node: node, now: now) {
                return jobs
            }
            return try Self.readJobs(await rows(ClaimStatement.self, binds))
        }
        return claimed.sorted(by: Job.claimOrder)
    }

    package func acknowledge(_ acks: [JobAck], now: Date) async throws -> Acknowledged {
        guard !acks.isEmpty else { return Acknowledged() }
        let withEffects = acks.filter(\.hasFinalEffects)
        let plain = acks.filter(\.isPlainCompletion)
        let other = acks.filter { !$0.hasFinalEffects && !$0.isPlainCompletion }
        return try await storage("storing job outcomes") { [self] in
            var stored = Acknowledged()
            if !plain.isEmpty {
                for row in try await rows(CompleteStatement.self, Self.completeBindings(plain, now: now)) { stored.applied.insert(try row.decode(Int64.self)) }
            }
            if !other.isEmpty {
                for row in try await rows(AcknowledgeStatement.self, Self.acknowledgeBindings(other, now: now)) { stored.applied.insert(try row.decode(Int64.self)) }
            }
            if !withEffects.isEmpty {
                let effects = try await acknowledgeWithEffects(withEffects, now: now)
                stored.applied.formUnion(effects.applied)
                stored.inserted = effects.inserted
            }
            return stored
        }
    }

    /// Final outcomes that may carry ``FinalEffects``: stored with them in one transaction,
    /// from the rows as they end.
    private func acknowledgeWithEffects(_ acks: [JobAck], now: Date) async throws -> Acknowledged {
        try await withTransaction { connection in
            let query = PostgresQuery(unsafeSQL: sql.acknowledgeReturningJobs, binds: Self.acknowledgeBindings(acks, now: now))
            let finished = try Self.readJobs(await connection.query(query, logger: logger).collect())
            answerArrived()
            let followUps = Dictionary(acks.map { ($0.attempt.jobID, $0.followUps) }, uniquingKeysWith: { $1 })
            let inserted = try await Self.store(FinalEffects(finished: finished, followUps: followUps), now: now, sql: sql, on: connection, logger: logger)
            return Acknowledged(applied: Set(finished.map(\.id)), inserted: inserted.filter { !$0.isDuplicate }.map(\.job))
        }
    }

    package func recordProgress(_ attempt: JobAttempt, _ progress: JobProgress) async throws {
        try await storage("saving progress") { [self] in try await execute(sql.recordProgress(attempt, progress)) }
    }

    package func job(id: Int64) async throws -> Job? {
        try await storage("reading a job") { [self] in try await jobs(sql.job(id: id)).first }
    }

    // MARK: - Helpers

    /// Runs `body`, turning driver errors into ``ConveyorError``s that say what was being done,
    /// and gives up waiting after ``PostgresConfiguration/answerTimeout``.
    @discardableResult
    func storage<T: Sendable>(_ doing: String, answeredWithin limit: Duration? = nil, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let limit = limit ?? answerTimeout
        do {
            // Before the deadline starts: a store that is not running is not a lost connection.
            try await poolStart.wait(atMost: answerTimeout, on: timers)
            return try await withAnswerDeadline(limit, on: watchdog, body)
        } catch is AnswerDeadlineExceeded {
            throw ConveyorError(.storage, "\(doing) got no answer from PostgreSQL within \(limit); the connection is presumed lost")
        } catch let cancelled as CancellationError {
            // The caller went away (a shutdown, a client that hung up on its long poll): not a database failure.
            throw cancelled
        } catch {
            // Unique violations (23505) are the constraints a store can break on purpose.
            let server = error as? PSQLError
            throw StoreFailure.error(doing, server.map(PostgresFailure.init) ?? error, brokeConstraint: server?.serverInfo?[.sqlState] == "23505")
        }
    }
}

