public import Foundation

/// A job as stored: what to run, where it is in its life, and what happened to it.
public struct Job: Sendable, Hashable, Codable, Identifiable {
    /// The job's identity, assigned by the store on insert.
    public var id: Int64
    /// Which worker runs it.
    public var kind: String
    /// The queue it waits in.
    public var queue: String
    /// Where it is in its life.
    public var state: JobState
    /// 0 is the highest priority, 9 the lowest.
    public var priority: Int
    /// The worker's arguments as JSON.
    public var args: RawJSON
    /// Free-form JSON object: progress, result, user data.
    public var meta: RawJSON
    /// Labels for finding jobs.
    public var tags: [String]
    /// How many attempts have started.
    public var attempt: Int
    /// How many attempts it may have.
    public var maxAttempts: Int
    /// One entry per failed attempt, oldest first.
    public var errors: [JobErrorEntry]
    /// When it was inserted.
    public var insertedAt: Date
    /// When it becomes (or became) available.
    public var scheduledAt: Date
    /// When its latest attempt started.
    public var attemptedAt: Date?
    /// When it reached a final state.
    public var finishedAt: Date?
    /// The node that ran (or runs) its latest attempt.
    public var attemptedBy: String?
    /// The uniqueness key it was inserted with, if any.
    public var uniqueKey: String?

    /// A job as a store reads it back.
    public init(
        id: Int64, kind: String, queue: String, state: JobState, priority: Int, args: RawJSON,
        meta: RawJSON, tags: [String], attempt: Int, maxAttempts: Int, errors: [JobErrorEntry],
        insertedAt: Date, scheduledAt: Date, attemptedAt: Date?, finishedAt: Date?,
        attemptedBy: String?, uniqueKey: String?
    ) {
        self.id = id
        self.kind = kind
        self.queue = queue
        self.state = state
        self.priority = priority
        self.args = args
        self.meta = meta
        self.tags = tags
        self.attempt = attempt
        self.maxAttempts = maxAttempts
        self.errors = errors
        self.insertedAt = insertedAt
        self.scheduledAt = scheduledAt
        self.attemptedAt = attemptedAt
        self.finishedAt = finishedAt
        self.attemptedBy = attemptedBy
        self.uniqueKey = uniqueKey
    }

    /// The progress the worker last reported, from 0 to 1.
    public var progress: Double? {
        if case .number(let value)? = meta.value["progress"] { return value }
        return nil
    }

    /// The JSON the worker last reported with its progress
    /// (``JobContext/progress(_:_:details:)``), if any.
    public var progressDetails: JSONValue? { meta.value["progress_details"] }

    /// The result the worker recorded when it completed.
    public var result: JSONValue? { meta.value["result"] }
}

/// What one failed attempt left behind.
public struct JobErrorEntry: Sendable, Hashable, Codable {
    /// The attempt that failed, from 1.
    public var attempt: Int
    /// When it failed.
    public var at: Date
    /// What went wrong, cut to ``maxMessageLength`` characters (a NUL in it becomes U+FFFD).
    public var message: String
    /// The node or worker process that ran the attempt, when known.
    public var node: String?
    /// When the attempt started, when known: with ``at``, how long it ran.
    public var startedAt: Date?

    /// Longer messages are cut so that one bad error cannot bloat a row.
    public static let maxMessageLength = 2_000

    /// An attempt's error; a longer message is cut to ``maxMessageLength`` characters.
    public init(attempt: Int, at: Date, message: String, node: String? = nil, startedAt: Date? = nil) {
        self.attempt = attempt
        self.at = at
        self.node = node
        self.startedAt = startedAt
        let message = StoredText.repaired(message)
        self.message = message.count > Self.maxMessageLength
            ? String(message.prefix(Self.maxMessageLength)) + "… (cut)" : message
    }
}
