import Conveyor
import Foundation
import ConveyorServer
import Yams

/// What `conveyor serve --config FILE` reads: a node's settings in YAML. Flags and environment
/// variables override it (see `ServeCommand`); every field is checked, and each bad one is
/// reported with its path and line.
///
/// ```yaml
/// database: postgres://app@db:5432/app        # $CONVEYOR_DATABASE_URL and --database override it
/// node: worker-1
/// log_level: info
/// log_format: json                            # or text (the default)
/// http: {host: 0.0.0.0, port: 8080, api_keys: ["${CONVEYOR_ADMIN_KEY}:admin"]}
/// intervals: {poll: 1s, heartbeat: 2s, rescue_after: 30s, scheduler: 1s, grace_period: 15s, maintenance: 1s, prune: 60s,
///             long_transaction_warning: 5m}    # or off
/// retention: {completed: 1d, failed: 7d}      # or forever
/// queues:
///   default: 10
///   deals:
///     concurrency: 5
///     limits: {concurrency: 3, rate: 100/1m}
///     retention: {completed: last:100, discarded: last:500+age:7d}
/// schedules:
///   - {name: daily-brief, kind: sleep, cron: "0 8 * * *", time_zone: America/New_York, args: {ms: 100}}
/// ```
struct ServeFile: Equatable {
    var database: String?
    var node: String?
    var logLevel: String?
    var logFormat: String?
    var host: String?
    var port: Int?
    var apiKeys: [String] = []
    var pollInterval: Duration?
    var heartbeatInterval: Duration?
    var rescueAfter: Duration?
    var schedulerInterval: Duration?
    var gracePeriod: Duration?
    var maintenanceInterval: Duration?
    var pruneInterval: Duration?
    /// Set when the file says; `.some(nil)` turns the warning off.
    var longTransactionWarning: Duration??
    /// Set when the file says; `.some(nil)` keeps the jobs forever.
    var keepCompleted: Duration??
    var keepFailed: Duration??
    var queues: [String: Int] = [:]
    var limits: [String: QueueLimits] = [:]
    var retention: [String: QueueRetention] = [:]
    var schedules: [ScheduleDefinition] = []

    /// The file at `path`, or an error listing every bad field.
    static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConveyorError) -> ServeFile {
        let (file, problems) = try read(path: path, environment: environment)
        guard problems.isEmpty else {
            throw ConveyorError(.invalidInput, field: "config", "'\(path)' has \(problems.count) bad field\(problems.count == 1 ? "" : "s"):\n"
                                + problems.map { "  \($0)" }.joined(separator: "\n"))
        }
        return file
    }

    /// The settings the file at `path` holds and the problems found, one per bad field.
    static func read(path: String, environment: [String: String]) throws(ConveyorError) -> (ServeFile, [ConfigProblem]) {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ConveyorError(.invalidInput, field: "config", "cannot read '\(path)' as UTF-8 text")
        }
        return read(text, environment: environment)
    }

    /// The settings `text` holds and the problems found, one per bad field.
    static func read(_ text: String, environment: [String: String]) -> (ServeFile, [ConfigProblem]) {
        var file = ServeFile()
        var reader = YAMLReader(environment: environment)
        let root: Node
        do {
            guard let document = try Yams.compose(yaml: text) else { return (file, []) }
            root = document
        } catch {
            return (file, [ConfigProblem(path: "config", line: nil, message: "is not YAML: \(error)")])
        }
        let top = ["database", "node", "log_level", "log_format", "http", "intervals", "retention", "queues", "schedules"]
        for (key, value, path) in reader.mapping(root, "", allowed: top) {
            switch key {
            case "database": file.database = reader.string(value, path)
            case "node": file.node = reader.string(value, path)
            case "log_level":
                if let level = reader.string(value, path) {
                    if ServeCommand.logLevels.contains(level) { file.logLevel = level } else {
                        reader.fail(path, value, "'\(level)' is not \(ServeCommand.logLevels.joined(separator: ", "))")
                    }
                }
            case "log_format":
                if let format = reader.string(value, path) {
                    if ServeCommand.logFormats.contains(format) { file.logFormat = format } else {
                        reader.fail(path, value, "'\(format)' is not text or json")
                    }
                }
            case "http": file.readHTTP(value, path, &reader)
            case "intervals": file.readIntervals(value, path, &reader)
            case "retention":
                for (state, rule, rulePath) in reader.mapping(value, path, allowed: ["completed", "failed"]) {
                    guard let text = reader.string(rule, rulePath) else { continue }
                    let keep = reader.checked(rulePath, rule) { () throws(ConveyorError) in try ServeCommand.parseDuration(text, none: "forever", field: rulePath) }
                    guard let keep else { continue }
                    if state == "completed" { file.keepCompleted = .some(keep) } else { file.keepFailed = .some(keep) }
                }
            case "queues": file.readQueues(value, path, &reader)
            default: file.readSchedules(value, path, &reader)
            }
        }
        file.checkSettings(root, &reader)
        return (file, reader.problems)
    }

    /// The rules that hold between settings (intervals and their floors, a rescue longer than
    /// two heartbeats), as the node itself checks them when it starts.
    private func checkSettings(_ root: Node, _ reader: inout YAMLReader) {
        var configuration = ConveyorConfiguration(queues: queues)
        if let pollInterval { configuration.pollInterval = pollInterval }
        if let heartbeatInterval { configuration.heartbeatInterval = heartbeatInterval }
        if let rescueAfter { configuration.rescueAfter = rescueAfter }
        if let schedulerInterval { configuration.schedulerInterval = schedulerInterval }
        if let gracePeriod { configuration.shutdownGracePeriod = gracePeriod }
        if let maintenanceInterval { configuration.maintenanceInterval = maintenanceInterval }
        if let pruneInterval { configuration.pruneInterval = pruneInterval }
        if let longTransactionWarning { configuration.longTransactionWarning = longTransactionWarning }
        if let keepCompleted { configuration.retention.completed = keepCompleted }
        if let keepFailed { configuration.retention.failed = keepFailed }
        let paths = ["pollInterval": "intervals.poll", "heartbeatInterval": "intervals.heartbeat", "rescueAfter": "intervals.rescue_after",
                     "schedulerInterval": "intervals.scheduler", "shutdownGracePeriod": "intervals.grace_period",
                     "maintenanceInterval": "intervals.maintenance", "pruneInterval": "intervals.prune",
                     "longTransactionWarning": "intervals.long_transaction_warning"]
        do {
            try configuration.validate()
        } catch {
            let path = error.field.map { paths[$0] ?? $0 } ?? "config"
            if !reader.problems.contains(where: { $0.path == path }) { reader.fail(path, nil, error.message) }
        }
    }

    private mutating func readHTTP(_ node: Node, _ path: String, _ reader: inout YAMLReader) {
        for (key, value, child) in reader.mapping(node, path, allowed: ["host", "port", "api_keys"]) {
            switch key {
            case "host": host = reader.string(value, child)
            case "port": port = reader.int(value, child, in: 0...65_535)
            default:
                for (index, item) in reader.sequence(value, child).enumerated() {
                    guard let key = reader.string(item, "\(child)[\(index)]") else { continue }
                    if reader.checked("\(child)[\(index)]", item, renamed: ["api_key": ""], { () throws(ConveyorError) in _ = try APIKeys(parsing: [key]) }) != nil {
                        apiKeys.append(key)
                    }
                }
            }
        }
    }

    private mutating func readIntervals(_ node: Node, _ path: String, _ reader: inout YAMLReader) {
        let allowed = ["poll", "heartbeat", "rescue_after", "scheduler", "grace_period", "maintenance", "prune", "long_transaction_warning"]
        for (key, value, child) in reader.mapping(node, path, allowed: allowed) {
            if key == "long_transaction_warning" {
                guard let text = reader.string(value, child) else { continue }
                let warning = reader.checked(child, value) { () throws(ConveyorError) in try ServeCommand.parseDuration(text, none: "off", field: child) }
                if let warning { longTransactionWarning = .some(warning) }
                continue
            }
            let duration = reader.duration(value, child)
            switch key {
            case "poll": pollInterval = duration
            case "heartbeat": heartbeatInterval = duration
            case "rescue_after": rescueAfter = duration
            case "scheduler": schedulerInterval = duration
            case "maintenance": maintenanceInterval = duration
            case "prune": pruneInterval = duration
            default: gracePeriod = duration
            }
        }
    }

    private mutating func readQueues(_ node: Node, _ path: String, _ reader: inout YAMLReader) {
        for (name, value, child) in reader.namedMapping(node, path) {
            guard reader.checked(child, value, { () throws(ConveyorError) in try JobInsert.validateName(name, field: child) }) != nil else { continue }
            if case .scalar = value {
                if let concurrency = reader.int(value, child, in: 1...10_000) { queues[name] = concurrency }
                continue
            }
            for (key, setting, settingPath) in reader.mapping(value, child, allowed: ["concurrency", "limits", "retention"]) {
                switch key {
                case "concurrency":
                    if let concurrency = reader.int(setting, settingPath, in: 1...10_000) { queues[name] = concurrency }
                case "limits":
                    var queueLimits = QueueLimits()
                    for (limit, limitValue, limitPath) in reader.mapping(setting, settingPath, allowed: ["concurrency", "rate"]) {
                        if limit == "concurrency" {
                            queueLimits.concurrency = reader.int(limitValue, limitPath, in: 1...100_000)
                        } else if let text = reader.string(limitValue, limitPath) {
                            queueLimits.rate = reader.checked(limitPath, limitValue) { () throws(ConveyorError) in try RateArgument.parse(text) }
                        }
                    }
                    limits[name] = queueLimits
                default:
                    var rules: [String] = []
                    for (state, rule, rulePath) in reader.mapping(setting, settingPath, allowed: ["completed", "discarded", "cancelled"]) {
                        if let text = reader.string(rule, rulePath) {
                            if reader.checked(rulePath, rule, { () throws(ConveyorError) in _ = try RetentionArgument.parse(["\(state)=\(text)"], field: rulePath) }) != nil {
                                rules.append("\(state)=\(text)")
                            }
                        }
                    }
                    retention[name] = try? RetentionArgument.parse(rules, field: settingPath)
                }
            }
        }
    }

    private mutating func readSchedules(_ node: Node, _ path: String, _ reader: inout YAMLReader) {
        let fields = ["name", "kind", "cron", "every", "time_zone", "args", "queue", "priority", "max_attempts", "overlap",
                      "misfire_grace", "max_consecutive_failures", "description"]
        for (index, item) in reader.sequence(node, path).enumerated() {
            let itemPath = "\(path)[\(index)]"
            var values: [String: (Node, String)] = [:]
            for (key, value, child) in reader.mapping(item, itemPath, allowed: fields) { values[key] = (value, child) }
            func text(_ key: String, _ reader: inout YAMLReader) -> String? { values[key].flatMap { reader.string($0.0, $0.1) } }
            guard let name = text("name", &reader), let kind = text("kind", &reader) else {
                reader.fail(itemPath, item, "a schedule needs a name and a kind")
                continue
            }
            var recurrence: Recurrence?
            if let cron = text("cron", &reader) {
                recurrence = .cron(cron)
            } else if let (every, everyPath) = values["every"] {
                recurrence = reader.duration(every, everyPath).map(Recurrence.every)
            } else {
                reader.fail(itemPath, item, "a schedule needs cron (\"0 8 * * *\") or every (5m)")
            }
            guard let recurrence else { continue }
            var definition = ScheduleDefinition(name: name, kind: kind, recurrence: recurrence)
            if let zone = text("time_zone", &reader) { definition.timeZone = zone }
            if let (args, argsPath) = values["args"] {
                if case .object? = reader.json(args, argsPath) { definition.args = RawJSON(reader.json(args, argsPath) ?? [:]) } else {
                    reader.fail(argsPath, args, "must be a mapping (the job's args as JSON)")
                }
            }
            definition.queue = text("queue", &reader)
            if let (priority, priorityPath) = values["priority"] { definition.priority = reader.int(priority, priorityPath, in: 0...9) }
            if let (attempts, attemptsPath) = values["max_attempts"] { definition.maxAttempts = reader.int(attempts, attemptsPath, in: 1...1_000) }
            if let overlap = text("overlap", &reader) {
                definition.overlap = reader.checked("\(itemPath).overlap", item) { () throws(ConveyorError) in try OverlapPolicy(parsing: overlap) } ?? .allow
            }
            if let (grace, gracePath) = values["misfire_grace"], let duration = reader.duration(grace, gracePath) { definition.misfireGrace = duration }
            if let failures = text("max_consecutive_failures", &reader) {
                if failures == "none" { definition.maxConsecutiveFailures = nil } else if let limit = Int(failures) {
                    definition.maxConsecutiveFailures = limit
                } else {
                    reader.fail("\(itemPath).max_consecutive_failures", item, "'\(failures)' is not a number or none")
                }
            }
            if let description = text("description", &reader) { definition.description = description }
            if reader.checked(itemPath, item, renamed: ["timezone": "time_zone"], { () throws(ConveyorError) in try definition.validate() }) != nil {
                if schedules.contains(where: { $0.name == name }) {
                    reader.fail("\(itemPath).name", item, "'\(name)' names an earlier schedule too")
                } else {
                    schedules.append(definition)
                }
            }
        }
    }
}
