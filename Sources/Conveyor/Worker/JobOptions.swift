public import Foundation

/// How a worker's jobs are queued and retried. Every field can be overridden per enqueue.
///
/// ```swift
/// static let options = JobOptions(queue: "crm", maxAttempts: 3,
///                                 backoff: .exponential(base: .seconds(5), factor: 5))
/// ```
public struct JobOptions: Sendable {
    /// Oban's default: enough attempts to ride out a long outage with exponential backoff.
    public static let defaultMaxAttempts = 20

    /// The queue the jobs wait in.
    public var queue: String
    /// 0 (highest) to 9 (lowest).
    public var priority: Int
    /// How many attempts a job gets before it is discarded.
    public var maxAttempts: Int
    /// The wait before each retry.
    public var backoff: Backoff
    /// How long one attempt may run before it is cancelled and counted as failed; `nil`: no limit.
    public var timeout: Duration?
    /// Uniqueness, if jobs of this worker must not be duplicated.
    public var unique: UniqueOptions?
    /// Labels added to every job.
    public var tags: [String]
    /// Jobs to enqueue when a job of this worker ends (``OutcomeHooks``).
    public var hooks: OutcomeHooks?

    /// A worker's options; every one has a default.
    public init(
        queue: String = "default", priority: Int = 0, maxAttempts: Int = JobOptions.defaultMaxAttempts,
        backoff: Backoff = .exponential(), timeout: Duration? = nil, unique: UniqueOptions? = nil, tags: [String] = [],
        hooks: OutcomeHooks? = nil
    ) {
        self.queue = queue
        self.priority = priority
        self.maxAttempts = maxAttempts
        self.backoff = backoff
        self.timeout = timeout
        self.unique = unique
        self.tags = tags
        self.hooks = hooks
    }
}

/// Per-enqueue choices; `nil` fields keep the worker's ``JobOptions``.
public struct EnqueueOptions: Sendable {
    /// Runs the job in this queue instead of the worker's.
    public var queue: String?
    /// Replaces the worker's priority (0 runs first, 9 last).
    public var priority: Int?
    /// Replaces the worker's attempts.
    public var maxAttempts: Int?
    /// Run at this time (at most one of `at` and `delay`).
    public var at: Date?
    /// Run after this delay from now.
    public var delay: Duration?
    /// Replaces the worker's uniqueness.
    public var unique: UniqueOptions?
    /// Added to the worker's tags.
    public var tags: [String]
    /// Stored in the job's meta, beside progress and result. `batch_id` and `hooks` are
    /// Conveyor's own and refused here.
    public var meta: [String: JSONValue]
    /// Replaces the worker's hooks for this job.
    public var hooks: OutcomeHooks?
    /// Replaces the worker's backoff for this job: a named rule (exponential, fixed, linear),
    /// which is stored with the job; a custom one is code, and only a worker can have it.
    public var backoff: Backoff?
    /// Replaces the worker's timeout for this job.
    public var timeout: Duration?

    /// Options for one enqueue; nil fields keep the worker's.
    public init(
        queue: String? = nil, priority: Int? = nil, maxAttempts: Int? = nil, at: Date? = nil, delay: Duration? = nil,
        unique: UniqueOptions? = nil, tags: [String] = [], meta: [String: JSONValue] = [:], hooks: OutcomeHooks? = nil,
        backoff: Backoff? = nil, timeout: Duration? = nil
    ) {
        self.queue = queue
        self.priority = priority
        self.maxAttempts = maxAttempts
        self.at = at
        self.delay = delay
        self.unique = unique
        self.tags = tags
        self.meta = meta
        self.hooks = hooks
        self.backoff = backoff
        self.timeout = timeout
    }

    /// Resolves these options over a worker's defaults into a row to insert.
    public func resolve(kind: String, args: RawJSON, defaults: JobOptions, now: Date) throws(ConveyorError) -> JobInsert {
        if at != nil, delay != nil { throw .invalid("delay", "give either a time or a delay, not both") }
        if let delay, delay < .zero { throw .invalid("delay", "must not be negative, got \(delay)") }
        let scheduledAt = at ?? delay.map { now.addingTimeInterval($0.seconds) }
        var insert = JobInsert(
            kind: kind, queue: queue ?? defaults.queue, args: args, priority: priority ?? defaults.priority,
            maxAttempts: maxAttempts ?? defaults.maxAttempts, scheduledAt: scheduledAt,
            tags: Array(Set(defaults.tags + tags)).sorted(), unique: unique ?? defaults.unique)
        if let reserved = meta.keys.first(where: JobMeta.reserved.contains) {
            throw .invalid("meta.\(reserved)", "is set by Conveyor, not by an enqueue; use the batch and hooks options")
        }
        var meta = meta
        if let backoff {
            guard let stored = backoff.stored else {
                throw .invalid("backoff", "a custom backoff is code and cannot be stored with a job; give it to the worker's options")
            }
            meta[JobMeta.backoff] = try RawJSON(encoding: stored, field: "backoff").value
        }
        if let timeout {
            guard timeout > .zero, timeout <= .seconds(315_360_000) else { throw .invalid("timeout", "must be more than zero and at most ten years") }
            meta[JobMeta.timeout] = .number(timeout.seconds)
        }
        if !meta.isEmpty { insert.meta = RawJSON(.object(meta)) }
        if let hooks = hooks ?? defaults.hooks, !hooks.isEmpty {
            try hooks.validate()
            insert.hooks = hooks
        }
        try insert.validate()
        return insert
    }
}
