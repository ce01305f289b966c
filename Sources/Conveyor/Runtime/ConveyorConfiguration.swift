import Foundation
public import Logging
public import Tracing

/// How a ``Conveyor`` runs. Every value has a safe default.
public struct ConveyorConfiguration: Sendable {
    /// Queues this node runs, with how many jobs of each it runs at once.
    public var queues: [String: Int]
    /// This node's name in the nodes table and in `attemptedBy`. Unique per process by default.
    public var node: String
    /// How often an idle producer looks for jobs that other processes inserted.
    public var pollInterval: Duration
    /// How often this node records that it is alive.
    public var heartbeatInterval: Duration
    /// A node silent for this long is presumed dead; its executing jobs are rescued.
    public var rescueAfter: Duration
    /// How often the leader stages due jobs and rescues orphans.
    public var maintenanceInterval: Duration
    /// How often the leader deletes old finished jobs.
    public var pruneInterval: Duration
    /// How long finished jobs are kept.
    public var retention: Retention
    /// Whether this node takes part in leader election and maintenance.
    public var runsMaintenance: Bool
    /// The leader warns about a transaction open this long in the jobs' database (PostgreSQL):
    /// while it lasts, vacuum cannot clear finished jobs' dead rows, and every claim walks
    /// them. Nil turns the check off.
    public var longTransactionWarning: Duration?
    /// On shutdown, how long running jobs may finish before they are cancelled and put back.
    public var shutdownGracePeriod: Duration
    /// At most this many outcomes are written in one transaction.
    public var ackBatchSize: Int
    /// Progress is saved at most this often per job (every report is still published).
    public var progressSaveInterval: Duration
    /// Whether to create or upgrade the schema when the ``Conveyor`` is created.
    public var migrateOnStart: Bool
    /// Whether this node sends its job events to the other nodes, when the store can carry
    /// them (`JobEventSharing`: PostgreSQL). Receiving is always on.
    public var shareEvents: Bool
    /// Schedules declared in code: stored when the node starts (created, or updated if their
    /// definition changed; history and the active flag are kept).
    public var schedules: [ScheduleDefinition]
    /// Whether this node fires due schedules (of the kinds it runs). Any number of nodes may:
    /// each fire still inserts one job.
    public var runsScheduler: Bool
    /// How often this node looks for due schedules.
    public var schedulerInterval: Duration
    /// The time source for everything stored.
    public var clock: any JobClock
    /// The clock every wait and throttle of the runtime runs on: poll, heartbeat, maintenance
    /// and scheduler intervals, the shutdown grace period, job timeouts, progress throttling
    /// and retry delays. Tests may drive it by hand (`ManualClock` in ConveyorTesting).
    public var timerClock: any Clock<Duration>
    /// Where the node logs.
    public var logger: Logger
    /// The tracer of the jobs' spans (`enqueue KIND`, `claim QUEUE`, `run KIND`); nil uses the
    /// one bootstrapped with `InstrumentationSystem`, and none bootstrapped means no spans.
    public var tracer: (any Tracer)?

    /// A configuration; every setting has a default, and ``validate()`` checks them.
    public init(
        queues: [String: Int] = ["default": 10],
        node: String = ConveyorConfiguration.defaultNodeName(),
        pollInterval: Duration = .seconds(1),
        heartbeatInterval: Duration = .seconds(2),
        rescueAfter: Duration = .seconds(30),
        maintenanceInterval: Duration = .seconds(1),
        pruneInterval: Duration = .seconds(60),
        retention: Retention = Retention(),
        runsMaintenance: Bool = true,
        longTransactionWarning: Duration? = .seconds(300),
        shutdownGracePeriod: Duration = .seconds(15),
        ackBatchSize: Int = 1_000,
        progressSaveInterval: Duration = .milliseconds(250),
        migrateOnStart: Bool = true,
        shareEvents: Bool = true,
        schedules: [ScheduleDefinition] = [],
        runsScheduler: Bool = true,
        schedulerInterval: Duration = .seconds(1),
        clock: any JobClock = SystemClock(),
        timerClock: any Clock<Duration> = ContinuousClock(),
        logger: Logger = Logger(label: "conveyor"),
        tracer: (any Tracer)? = nil
    ) {
        self.queues = queues
        self.node = node
        self.pollInterval = pollInterval
        self.heartbeatInterval = heartbeatInterval
        self.rescueAfter = rescueAfter
        self.maintenanceInterval = maintenanceInterval
        self.pruneInterval = pruneInterval
        self.retention = retention
        self.runsMaintenance = runsMaintenance
        self.longTransactionWarning = longTransactionWarning
        self.shutdownGracePeriod = shutdownGracePeriod
        self.ackBatchSize = ackBatchSize
        self.progressSaveInterval = progressSaveInterval
        self.migrateOnStart = migrateOnStart
        self.shareEvents = shareEvents
        self.schedules = schedules
        self.runsScheduler = runsScheduler
        self.schedulerInterval = schedulerInterval
        self.clock = clock
        self.timerClock = timerClock
        self.logger = logger
        self.tracer = tracer
    }

    /// Each interval setting that is set, with its name and its floor.
    private var intervals: [(String, Duration, Duration)] {
        let optional = longTransactionWarning.map { [("longTransactionWarning", $0, Duration.seconds(1))] } ?? []
        return optional + [
            ("pollInterval", pollInterval, .milliseconds(10)),
            ("heartbeatInterval", heartbeatInterval, .milliseconds(100)),
            ("rescueAfter", rescueAfter, .milliseconds(300)),
            ("maintenanceInterval", maintenanceInterval, .milliseconds(100)),
            ("pruneInterval", pruneInterval, .seconds(1)),
            ("schedulerInterval", schedulerInterval, .milliseconds(100)),
            ("progressSaveInterval", progressSaveInterval, .zero),
            ("shutdownGracePeriod", shutdownGracePeriod, .zero),
        ]
    }

    /// `host-pid-xxxx`: the host name, the process id and a random suffix. Readable, and new
    /// for every process, so a restarted process never shares an identity with the attempts
    /// of its previous life.
    public static func defaultNodeName() -> String {
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "node"
        let suffix = String(UInt16.random(in: .min ... .max), radix: 16)
        return "\(host)-\(ProcessInfo.processInfo.processIdentifier)-\(suffix)"
    }

    /// Checks every setting, throwing an error that names the first bad one (by its name
    /// here: `pollInterval`, `rescueAfter`, …). ``Conveyor`` checks before it starts.
    ///
    /// Each interval has a floor (below it a loop would spin on an idle node) and a ceiling of
    /// one day (beyond it the times it is added to would leave `InstantRange`).
    public func validate() throws(ConveyorError) {
        for (name, interval, floor) in intervals {
            guard interval >= floor, interval <= .seconds(86_400) else {
                throw .invalid(name, "must be between \(floor) and 1 day, got \(interval)")
            }
        }
        try retention.validate()
        for (queue, limit) in queues {
            try JobInsert.validateName(queue, field: "queues")
            guard (1...10_000).contains(limit) else {
                throw .invalid("queues", "concurrency of '\(queue)' must be between 1 and 10000, got \(limit)")
            }
        }
        guard !node.isEmpty else { throw .invalid("node", "must not be empty") }
        guard rescueAfter > heartbeatInterval * 2 else {
            throw .invalid("rescueAfter", "must be more than twice heartbeatInterval, or live nodes get rescued")
        }
        guard ackBatchSize >= 1 else { throw .invalid("ackBatchSize", "must be at least 1") }
    }
}
