/// Jobs to enqueue when a job reaches a final state, so that what the application keeps about
/// the work (a status column, a counter) is brought up to date however the job ended.
///
/// A hook is stored with the job when it is enqueued, and its job is inserted by the same
/// transaction that makes the job final, on whichever node that happens: a worker's return,
/// a cancel through the API, or a rescue that discards a job whose node died on its last
/// attempt. Nothing is lost in a crash; a hook fires once per final outcome.
///
/// ```swift
/// struct ImportNotes: JobWorker {
///     static let options = JobOptions(maxAttempts: 3, hooks: OutcomeHooks(
///         completed: OutcomeHook(MarkNotesProcessed.self),
///         discarded: OutcomeHook(MarkNotesFailed.self)))
///     …
/// }
/// struct MarkNotesFailed: JobWorker {
///     static let kind = "notes.mark_failed"
///     func perform(_ outcome: JobOutcome, context: JobContext) async throws { … }
/// }
/// ```
public struct OutcomeHooks: Sendable, Hashable, Codable {
    /// Enqueued when the job completes.
    public var completed: OutcomeHook?
    /// Enqueued when the job is discarded: out of attempts, by its worker, or by a rescue.
    public var discarded: OutcomeHook?
    /// Enqueued when the job is cancelled, by its worker or by a user.
    public var cancelled: OutcomeHook?

    /// Hooks for the outcomes named; an outcome without one enqueues nothing.
    public init(completed: OutcomeHook? = nil, discarded: OutcomeHook? = nil, cancelled: OutcomeHook? = nil) {
        self.completed = completed
        self.discarded = discarded
        self.cancelled = cancelled
    }

    /// The same hook for every final outcome.
    public static func always(_ hook: OutcomeHook) -> OutcomeHooks {
        OutcomeHooks(completed: hook, discarded: hook, cancelled: hook)
    }

    /// The hook for a job that ended in `state`, if any.
    public func hook(for state: JobState) -> OutcomeHook? {
        switch state {
        case .completed: completed
        case .discarded: discarded
        case .cancelled: cancelled
        case .scheduled, .available, .executing, .retryable: nil
        }
    }

    var isEmpty: Bool { completed == nil && discarded == nil && cancelled == nil }

    func validate() throws(ConveyorError) {
        for (hook, field) in [(completed, "completed"), (discarded, "discarded"), (cancelled, "cancelled")] {
            do {
                try hook?.validate()
            } catch {
                throw ConveyorError(error.code, field: "hooks.\(field).\(error.field ?? "")", error.message)
            }
        }
    }
}

/// The job a hook enqueues: its kind and where it waits. Its args are a ``JobOutcome``.
public struct OutcomeHook: Sendable, Hashable, Codable {
    /// The kind of the job it enqueues.
    public var kind: String
    /// The queue of the job it enqueues.
    public var queue: String
    /// The priority of the job it enqueues.
    public var priority: Int
    /// The attempts of the job it enqueues.
    public var maxAttempts: Int

    /// A hook enqueueing a job of `kind` by name, with a ``JobOutcome`` as its args.
    public init(kind: String, queue: String = "default", priority: Int = 0, maxAttempts: Int = JobOptions.defaultMaxAttempts) {
        self.kind = kind
        self.queue = queue
        self.priority = priority
        self.maxAttempts = maxAttempts
    }

    /// A hook run by `worker`, with the worker's queue, priority and attempts.
    public init<W: JobWorker>(_ worker: W.Type) where W.Args == JobOutcome {
        self.init(kind: W.kind, queue: W.options.queue, priority: W.options.priority, maxAttempts: W.options.maxAttempts)
    }

    func validate() throws(ConveyorError) {
        try JobInsert(kind: kind, queue: queue, priority: priority, maxAttempts: maxAttempts).validate()
    }

    enum CodingKeys: String, CodingKey {
        case kind, queue, priority
        case maxAttempts = "max_attempts"
    }
}
