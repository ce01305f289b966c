public import Foundation

/// A job to insert, with every option resolved.
///
/// Build one directly for a kind that has no Swift worker on this node (the CLI and the HTTP
/// API do) and insert it with ``Conveyor/enqueue(_:)``; a worker's jobs are built by
/// ``Conveyor/enqueue(_:args:options:)``.
public struct JobInsert: Sendable, Hashable {
    /// The kind of job, naming the worker that runs it.
    public var kind: String
    /// The queue it runs in.
    public var queue: String
    /// Its arguments, as the worker's `Args` encode.
    public var args: RawJSON
    /// 0 (runs first) to 9 (runs last).
    public var priority: Int
    /// How many attempts it gets before it is discarded.
    public var maxAttempts: Int
    /// When it becomes available; `nil` means now.
    public var scheduledAt: Date?
    /// Labels to find it by (``JobFilter/tags``).
    public var tags: [String]
    /// Conveyor's and the application's notes on the job (batch, hooks, backoff, trace context, result, progress).
    public var meta: RawJSON
    /// When set, a second enqueue of the same job in the period returns the first.
    public var unique: UniqueOptions?

    /// A job to insert; ``validate()`` checks it.
    public init(
        kind: String, queue: String = "default", args: RawJSON = .emptyObject, priority: Int = 0,
        maxAttempts: Int = JobOptions.defaultMaxAttempts, scheduledAt: Date? = nil, tags: [String] = [],
        meta: RawJSON = .emptyObject, unique: UniqueOptions? = nil
    ) {
        self.kind = kind
        self.queue = queue
        self.args = args
        self.priority = priority
        self.maxAttempts = maxAttempts
        self.scheduledAt = scheduledAt
        self.tags = tags
        self.meta = meta
        self.unique = unique
    }

    /// Checks every field, throwing an error that names the first bad one.
    public func validate() throws(ConveyorError) {
        try Self.validateName(kind, field: "kind")
        try Self.validateName(queue, field: "queue")
        guard (0...9).contains(priority) else {
            throw .invalid("priority", "must be between 0 (highest) and 9 (lowest), got \(priority)")
        }
        guard (1...1_000).contains(maxAttempts) else {
            throw .invalid("maxAttempts", "must be between 1 and 1000, got \(maxAttempts)")
        }
        for tag in tags {
            guard !tag.isEmpty, tag.count <= 100 else { throw .invalid("tags", "each tag must be 1 to 100 characters") }
            try StoredText.check(tag, field: "tags")
        }
        guard meta.text.first == "{" else { throw .invalid("meta", "must be a JSON object") }
        try StoredText.check(args, field: "args")
        try StoredText.check(meta, field: "meta")
        if let scheduledAt { try InstantRange.check(scheduledAt, field: "scheduledAt") }
        if let period = unique?.period, period <= .zero || period > Self.longestUniquePeriod {
            throw .invalid("unique.period", "must be more than zero and at most ten years")
        }
        if unique?.states.isEmpty == true { throw .invalid("unique.states", "must name at least one state") }
    }

    /// Ten years, the longest duration read from outside: it keeps the key's bucket
    /// arithmetic far from overflow.
    static let longestUniquePeriod = Duration.seconds(315_360_000)

    /// Checks a kind, queue or schedule name: letters, digits and `._-:`, 1 to 100 characters.
    ///
    /// - Throws: ``ConveyorError`` (`invalidInput`) naming `field`.
    public static func validateName(_ name: String, field: String) throws(ConveyorError) {
        // Bytes, not Unicode properties: an ASCII check per byte is what runs for every job
        // enqueued. Once the name is ASCII, its bytes count its characters.
        let allowed = name.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: ":"): true
            default: false
            }
        }
        guard !name.isEmpty else { throw .invalid(field, "must be 1 to 100 characters") }
        guard allowed else { throw .invalid(field, "'\(name)' may only contain letters, digits and . _ - :") }
        guard name.utf8.count <= 100 else { throw .invalid(field, "must be 1 to 100 characters") }
    }
}

/// What an insert did.
public struct InsertResult: Sendable, Hashable {
    /// The inserted job, or the existing one it duplicates.
    public var job: Job
    /// True when a unique job with the same key already existed and nothing was inserted.
    public var isDuplicate: Bool

    /// The job as stored, and whether it was a duplicate.
    public init(job: Job, isDuplicate: Bool) {
        self.job = job
        self.isDuplicate = isDuplicate
    }
}
