/// A job kind that a worker process runs over HTTP, with the options its jobs get: the worker
/// process's counterpart of a Swift worker's ``JobOptions``. Declared with
/// ``Conveyor/declare(_:worker:)``, it gives every enqueue by the kind's name (the API, the
/// CLI, a producer in any language) its queue, priority, attempts and tags, even while no
/// worker process is up.
///
/// A Swift worker applies its backoff and timeout itself when it runs a job. A worker process
/// cannot be trusted to, so each job enqueued by kind carries them: the server retries a
/// failure by the backoff, and the lease hands the worker the timeout to stop the job at.
public struct WorkerKind: Sendable {
    /// The kind the worker process runs.
    public var kind: String
    /// The queue enqueues by this kind go to.
    public var queue: String
    /// 0 (highest) to 9 (lowest).
    public var priority: Int
    /// The attempts each job of the kind gets.
    public var maxAttempts: Int
    /// Tags every job of the kind carries.
    public var tags: [String]
    /// The wait before each retry; nil: ``Backoff/exponential(base:factor:jitter:maxDelay:)``'s defaults.
    /// A named rule (a custom one is code, which a worker process cannot hand over).
    public var backoff: Backoff?
    /// How long one attempt may run; nil: no limit.
    public var timeout: Duration?

    /// A kind as a worker process declares it; each option has a default.
    public init(
        _ kind: String, queue: String = "default", priority: Int = 0, maxAttempts: Int = JobOptions.defaultMaxAttempts,
        tags: [String] = [], backoff: Backoff? = nil, timeout: Duration? = nil
    ) {
        self.kind = kind
        self.queue = queue
        self.priority = priority
        self.maxAttempts = maxAttempts
        self.tags = tags
        self.backoff = backoff
        self.timeout = timeout
    }
}
