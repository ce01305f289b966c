import ArgumentParser
import Conveyor
import ConveyorServer
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run queues with the built-in workers (noop, sleep, fail), the scheduler and the HTTP API until SIGINT or SIGTERM.",
        discussion: """
            On SIGINT/SIGTERM it stops claiming, lets running jobs finish within --grace-period, then puts the rest back. \
            The API needs a key (--api-key KEY:SCOPE or $CONVEYOR_API_KEYS) unless it listens on loopback only.
            """)

    @OptionGroup var database: DatabaseOptions

    @Option(name: .customLong("config"), help: "A YAML file of settings (also $CONVEYOR_CONFIG); flags and environment variables override it. Check one with `conveyor config check FILE`.")
    var config: String?

    @Option(name: .customLong("queue"), help: "A queue to run as NAME=CONCURRENCY (repeatable). Default: default=10.")
    var queues: [String] = []

    @Option(name: .customLong("node"), help: "This node's name (default: host-pid-random).")
    var node: String?

    @Option(name: .customLong("poll-interval"), help: "How often idle queues look for jobs from other processes.")
    var pollInterval: DurationArgument?

    @Option(name: .customLong("heartbeat-interval"), help: "How often this node says it is alive.")
    var heartbeatInterval: DurationArgument?

    @Option(name: .customLong("rescue-after"), help: "Rescue jobs of nodes silent this long.")
    var rescueAfter: DurationArgument?

    @Option(name: .customLong("grace-period"), help: "On shutdown, how long running jobs may finish.")
    var gracePeriod: DurationArgument?

    @Option(name: .customLong("scheduler-interval"), help: "How often this node looks for due schedules (default 1s).")
    var schedulerInterval: DurationArgument?

    @Flag(name: .customLong("no-scheduler"), help: "Do not fire schedules on this node.")
    var noScheduler = false

    @Option(name: .customLong("maintenance-interval"), help: "How often the leader stages due jobs and rescues those of silent nodes (default 1s).")
    var maintenanceInterval: DurationArgument?

    @Option(name: .customLong("prune-interval"), help: "How often the leader deletes finished jobs past their retention (default 60s).")
    var pruneInterval: DurationArgument?

    @Option(name: .customLong("long-transaction-warning"),
            help: "Warn about a transaction open this long in the jobs' database, which keeps vacuum from clearing dead rows: a duration or 'off' (default 5m).")
    var longTransactionWarning: String?

    @Flag(name: .customLong("no-maintenance"), help: "Never lead maintenance (staging, rescue, pruning) from this node; another node must.")
    var noMaintenance = false

    @Option(name: .customLong("keep-completed"), help: "How long completed jobs are kept: a duration (1d) or 'forever' (default 1d).")
    var keepCompleted: String?

    @Option(name: .customLong("keep-failed"), help: "How long discarded and cancelled jobs are kept: a duration (7d) or 'forever' (default 7d).")
    var keepFailed: String?

    @Option(name: .customLong("queue-retention"), help: "A queue's own retention as QUEUE:STATE=RULE (repeatable), as in deals:completed=last:100 or deals:discarded=last:500+age:7d; stored at start.")
    var queueRetention: [String] = []

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical (default info).")
    var logLevel: String?

    @Option(name: .customLong("log-format"), help: "text, or json for one JSON object per line (default text).")
    var logFormat: String?

    @Option(help: "Address the HTTP API listens on (default 127.0.0.1). Without API keys only loopback is allowed.")
    var host: String?

    @Option(help: "Port of the HTTP API (default 8080; 0 picks a free one).")
    var port: Int?

    @Option(name: .customLong("max-lease-wait"), help: "The longest a worker process's fetch waits for jobs (default 60s, the most).")
    var maxLeaseWait: DurationArgument?

    @Flag(name: .customLong("no-http"), help: "Run workers and the scheduler without the HTTP API.")
    var noHTTP = false

    @Option(name: .customLong("api-key"), help: "An API key as KEY:SCOPE, scope read, write or admin (repeatable; also $CONVEYOR_API_KEYS, comma-separated).")
    var apiKeys: [String] = []

    static let logLevels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
    static let logFormats = ["text", "json"]

    func run() async throws {
        // Settings come from the flags, else the environment, else the file, else defaults.
        let environment = ProcessInfo.processInfo.environment
        let file = try (config ?? environment["CONVEYOR_CONFIG"]).map { path throws(ConveyorError) in try ServeFile.load(path: path) } ?? ServeFile()
        let logLevel = self.logLevel ?? file.logLevel ?? "info"
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ConveyorError(.invalidInput, field: "log-level", "'\(logLevel)' is not a level; use \(Self.logLevels.joined(separator: ", "))")
        }
        let logFormat = self.logFormat ?? file.logFormat ?? "text"
        guard Self.logFormats.contains(logFormat) else {
            throw ConveyorError(.invalidInput, field: "log-format", "'\(logFormat)' is not a format; use text or json")
        }
        LoggingSystem.bootstrap { label in
            if logFormat == "json" { return JSONLogHandler(label: label, logLevel: level) }
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let metrics = PrometheusMetrics()
        if !noHTTP { metrics.bootstrap() }
        let logger = Logger(label: "conveyor")
        var queueConcurrency = file.queues
        for (queue, limit) in try Self.parseQueues(queues, orDefault: queueConcurrency.isEmpty) { queueConcurrency[queue] = limit }
        var configuration = ConveyorConfiguration(queues: queueConcurrency, logger: logger)
        if let node = node ?? file.node { configuration.node = node }
        if let poll = pollInterval?.duration ?? file.pollInterval { configuration.pollInterval = poll }
        if let heartbeat = heartbeatInterval?.duration ?? file.heartbeatInterval { configuration.heartbeatInterval = heartbeat }
        if let rescue = rescueAfter?.duration ?? file.rescueAfter { configuration.rescueAfter = rescue }
        if let grace = gracePeriod?.duration ?? file.gracePeriod { configuration.shutdownGracePeriod = grace }
        if let scheduler = schedulerInterval?.duration ?? file.schedulerInterval { configuration.schedulerInterval = scheduler }
        configuration.runsScheduler = !noScheduler
        if let maintenance = maintenanceInterval?.duration ?? file.maintenanceInterval { configuration.maintenanceInterval = maintenance }
        if let prune = pruneInterval?.duration ?? file.pruneInterval { configuration.pruneInterval = prune }
        if let warning = try longTransactionWarning.map({ text throws(ConveyorError) in
            try Self.parseDuration(text, none: "off", field: "long-transaction-warning")
        }) ?? file.longTransactionWarning {
            configuration.longTransactionWarning = warning
        }
        configuration.runsMaintenance = !noMaintenance
        configuration.schedules = file.schedules
        if let keep = try keepCompleted.map({ text throws(ConveyorError) in try Self.parseDuration(text, none: "forever", field: "keep-completed") }) ?? file.keepCompleted {
            configuration.retention.completed = keep
        }
        if let keep = try keepFailed.map({ text throws(ConveyorError) in try Self.parseDuration(text, none: "forever", field: "keep-failed") }) ?? file.keepFailed {
            configuration.retention.failed = keep
        }
        let queueRetentions = file.retention.merging(try Self.parseQueueRetention(queueRetention)) { _, flag in flag }
        let queueLimits = file.limits
        do {
            try configuration.validate()
        } catch {
            throw ConveyorError(error.code, field: error.field.map { Self.flags[$0] ?? $0 }, error.message)
        }

        let environmentKeys = environment["CONVEYOR_API_KEYS"].map { $0.split(separator: ",").map(String.init) } ?? []
        let keys = try APIKeys(parsing: file.apiKeys + apiKeys + environmentKeys)
        let host = self.host ?? file.host ?? "127.0.0.1"
        let port = self.port ?? file.port ?? 8080
        let loopback = ["127.0.0.1", "::1", "localhost"].contains(host)
        if !noHTTP, keys.isEmpty, !loopback {
            throw ConveyorError(.invalidInput, field: "host", "listening on '\(host)' needs an API key (--api-key KEY:SCOPE); without one only loopback is allowed")
        }
        guard (0...65_535).contains(port) else { throw ConveyorError(.invalidInput, field: "port", "must be between 0 and 65535, got \(port)") }
        var database = self.database
        if database.database == nil, environment["CONVEYOR_DATABASE_URL"] == nil { database.database = file.database }

        let configured = configuration
        try await database.withStore { store in
            let conveyor = try await Conveyor(storingIn: store, configuration: configured)
            conveyor.registerCommandLineWorkers()
            for (queue, limits) in queueLimits.sorted(by: { $0.key < $1.key }) {
                try await conveyor.setLimits(limits, queue: queue)
            }
            for (queue, retention) in queueRetentions.sorted(by: { $0.key < $1.key }) {
                try await conveyor.setRetention(retention, queue: queue)
            }
            logger.info("serving", metadata: ["database": "\(database.url)", "node": "\(conveyor.node)"])
            var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: conveyor)]
            if !noHTTP {
                if keys.isEmpty {
                    logger.warning("NO API KEYS: the HTTP API is open to every local user and process; listening on loopback only. Pass --api-key KEY:SCOPE to require keys.")
                }
                var server = ConveyorServer(conveyor: conveyor, keys: keys, metrics: metrics)
                if let maxLeaseWait { server.leaseWaitLimit = min(maxLeaseWait.duration, Conveyor.maximumLeaseWait) }
                services.append(.init(service: server.application(host: host, port: port, logger: logger)))
            }
            let group = ServiceGroup(
                configuration: ServiceGroupConfiguration(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
        }
    }

    /// The flag that sets each checked setting.
    private static let flags = [
        "pollInterval": "poll-interval", "heartbeatInterval": "heartbeat-interval", "rescueAfter": "rescue-after",
        "shutdownGracePeriod": "grace-period", "schedulerInterval": "scheduler-interval", "queues": "queue",
        "maintenanceInterval": "maintenance-interval", "pruneInterval": "prune-interval",
        "longTransactionWarning": "long-transaction-warning",
        "retention.completed": "keep-completed", "retention.failed": "keep-failed",
    ]

    /// A duration, or the word `none` stands for (`forever` for retention, `off` for a warning): nil.
    static func parseDuration(_ text: String, none: String, field: String) throws(ConveyorError) -> Duration? {
        text == none ? nil : try DurationArgument.parse(text, field: field)
    }

    /// `QUEUE:STATE=RULE` flags, gathered per queue.
    static func parseQueueRetention(_ specs: [String]) throws(ConveyorError) -> [String: QueueRetention] {
        var rules: [String: [String]] = [:]
        for spec in specs {
            let parts = spec.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2 else {
                throw ConveyorError(.invalidInput, field: "queue-retention", "'\(spec)' is not QUEUE:\(RetentionArgument.syntax)")
            }
            rules[parts[0], default: []].append(parts[1])
        }
        var retentions: [String: QueueRetention] = [:]
        for (queue, queueRules) in rules {
            try JobInsert.validateName(queue, field: "queue-retention")
            retentions[queue] = try RetentionArgument.parse(queueRules, field: "queue-retention")
        }
        return retentions
    }

    /// `NAME=CONCURRENCY` flags; with none, `default=10` when nothing else names a queue.
    static func parseQueues(_ specs: [String], orDefault: Bool) throws(ConveyorError) -> [String: Int] {
        guard !specs.isEmpty else { return orDefault ? ["default": 10] : [:] }
        var queues: [String: Int] = [:]
        for spec in specs {
            let parts = spec.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let limit = Int(parts[1]) else {
                throw ConveyorError(.invalidInput, field: "queue", "'\(spec)' is not NAME=CONCURRENCY, as in default=10")
            }
            queues[parts[0]] = limit
        }
        return queues
    }
}
