import Foundation

/// What a schedule does and when: the part its owner sets, in code or at run time.
///
/// ```swift
/// ScheduleDefinition(name: "morning-brief", kind: "brief.send", recurrence: .daily(hour: 8),
///                    timeZone: "America/New_York", overlap: .skip)
/// ```
public struct ScheduleDefinition: Sendable, Hashable {
    /// Unique name: letters, digits and `. _ - :`.
    public var name: String
    /// The job kind each fire inserts.
    public var kind: String
    /// The job's arguments (a JSON object).
    public var args: RawJSON
    /// When it fires.
    public var recurrence: Recurrence
    /// IANA time zone the recurrence runs in.
    public var timeZone: String
    /// Queue, priority and attempts of the job; nil takes the worker's defaults.
    public var queue: String?
    /// The job's priority; nil keeps the worker's.
    public var priority: Int?
    /// The job's attempts; nil keeps the worker's.
    public var maxAttempts: Int?
    /// What the schedule is for, for people reading the list.
    public var description: String
    /// Whether a fire may start while the previous run's job is not yet finished.
    public var overlap: OverlapPolicy
    /// How late a fire may still run (after downtime, say); later ones are skipped and logged.
    public var misfireGrace: Duration
    /// Runs failing in a row before the schedule deactivates itself; nil never does.
    public var maxConsecutiveFailures: Int?

    /// A schedule of `kind` on `recurrence` in `timeZone`; ``validate()`` checks it.
    public init(
        name: String, kind: String, args: RawJSON = RawJSON(.object([:])), recurrence: Recurrence, timeZone: String = "UTC",
        queue: String? = nil, priority: Int? = nil, maxAttempts: Int? = nil, description: String = "",
        overlap: OverlapPolicy = .allow, misfireGrace: Duration = .seconds(60), maxConsecutiveFailures: Int? = 5
    ) {
        self.name = name
        self.kind = kind
        self.args = args
        self.recurrence = recurrence
        self.timeZone = timeZone
        self.queue = queue
        self.priority = priority
        self.maxAttempts = maxAttempts
        self.description = description
        self.overlap = overlap
        self.misfireGrace = misfireGrace
        self.maxConsecutiveFailures = maxConsecutiveFailures
    }

    /// Refuses what could not run: bad names, an unknown zone, a recurrence out of range.
    ///
    /// - Throws: ``ConveyorError`` (`invalidInput`) naming the field at fault.
    public func validate() throws(ConveyorError) {
        try JobInsert.validateName(name, field: "name")
        try JobInsert.validateName(kind, field: "kind")
        guard case .object = args.value else { throw .invalid("args", "must be a JSON object") }
        try StoredText.check(args, field: "args")
        _ = try CronExpression.zone(named: timeZone)
        try recurrence.validate()
        if let queue { try JobInsert.validateName(queue, field: "queue") }
        if let priority, !(0...9).contains(priority) { throw .invalid("priority", "must be between 0 (highest) and 9 (lowest), got \(priority)") }
        if let maxAttempts, !(1...1_000).contains(maxAttempts) { throw .invalid("max_attempts", "must be between 1 and 1000, got \(maxAttempts)") }
        guard description.count <= 1_000 else { throw .invalid("description", "must be at most 1000 characters") }
        try StoredText.check(description, field: "description")
        guard misfireGrace >= .zero, misfireGrace <= .seconds(315_360_000) else {
            throw .invalid("misfire_grace", "must be between zero and ten years")
        }
        if let limit = maxConsecutiveFailures, !(1...1_000_000).contains(limit) {
            throw .invalid("max_consecutive_failures", "must be between 1 and 1000000, or none")
        }
    }

    /// The zone, known valid after ``validate()``.
    var zone: TimeZone { TimeZone(identifier: timeZone) ?? TimeZone(identifier: "UTC")! }
}

/// Whether a schedule's runs may overlap.
public enum OverlapPolicy: String, Sendable, Hashable, Codable, CaseIterable {
    /// Every fire inserts a job.
    case allow
    /// A fire is skipped (and counted) while the previous run's job is not finished.
    case skip

    /// `allow` or `skip`.
    ///
    /// - Throws: ``ConveyorError`` (`invalidInput`) naming `overlap`.
    public init(parsing text: String) throws(ConveyorError) {
        guard let policy = OverlapPolicy(rawValue: text) else { throw .invalid("overlap", "'\(text)' is not allow or skip") }
        self = policy
    }
}
