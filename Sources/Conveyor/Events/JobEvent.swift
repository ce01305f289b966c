public import Foundation

/// Something that happened to a job, published to ``Conveyor/events()``.
public struct JobEvent: Sendable, Hashable, Codable {
    /// What happened.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// The job was stored.
        case inserted
        /// An attempt began on a node or worker process.
        case started
        /// The running attempt reported progress.
        case progress
        /// The attempt succeeded; the job is final.
        case completed
        /// The attempt failed and the job will run again after its backoff.
        case retrying
        /// The worker put the job off without using up an attempt.
        case snoozed
        /// The job will not run again: out of attempts, or discarded by its worker.
        case discarded
        /// The job was cancelled, by its worker or by a user.
        case cancelled
        /// A stopping node put the running job back without using up an attempt.
        case released
    }

    /// What happened.
    public var kind: Kind
    /// The job it happened to.
    public var jobID: Int64
    /// The job's kind.
    public var jobKind: String
    /// The job's queue.
    public var queue: String
    /// The job's attempt when it happened (0 before its first).
    public var attempt: Int
    /// When it happened.
    public var at: Date
    /// For `progress`: the fraction done, 0 to 1.
    public var progress: Double?
    /// For `progress`: the worker's message; for failures: the error message.
    public var message: String?
    /// The node where it happened.
    public var node: String?
    /// The job's tags, so a subscriber can follow one scope (`agent:7`) of many jobs.
    public var tags: [String]
    /// For `progress`: the JSON object the worker reported with it, if any.
    public var details: JSONValue?

    /// An event about job `jobID`.
    public init(kind: Kind, jobID: Int64, jobKind: String, queue: String, attempt: Int, at: Date,
                progress: Double? = nil, message: String? = nil, node: String? = nil, tags: [String] = [], details: JSONValue? = nil) {
        self.kind = kind
        self.jobID = jobID
        self.jobKind = jobKind
        self.queue = queue
        self.attempt = attempt
        self.at = at
        self.progress = progress
        self.message = message
        self.node = node
        self.tags = tags
        self.details = details
    }

    private enum CodingKeys: String, CodingKey { case kind, jobID, jobKind, queue, attempt, at, progress, message, node, tags, details }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            kind: try container.decode(Kind.self, forKey: .kind), jobID: try container.decode(Int64.self, forKey: .jobID),
            jobKind: try container.decode(String.self, forKey: .jobKind), queue: try container.decode(String.self, forKey: .queue),
            attempt: try container.decode(Int.self, forKey: .attempt), at: try container.decode(Date.self, forKey: .at),
            progress: try container.decodeIfPresent(Double.self, forKey: .progress),
            message: try container.decodeIfPresent(String.self, forKey: .message), node: try container.decodeIfPresent(String.self, forKey: .node),
            tags: try container.decodeIfPresent([String].self, forKey: .tags) ?? [],
            details: try container.decodeIfPresent(JSONValue.self, forKey: .details))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        try container.encode(jobID, forKey: .jobID)
        try container.encode(jobKind, forKey: .jobKind)
        try container.encode(queue, forKey: .queue)
        try container.encode(attempt, forKey: .attempt)
        try container.encode(at, forKey: .at)
        try container.encodeIfPresent(progress, forKey: .progress)
        try container.encodeIfPresent(message, forKey: .message)
        try container.encodeIfPresent(node, forKey: .node)
        try container.encode(tags, forKey: .tags)
        try container.encodeIfPresent(details, forKey: .details)
    }
}
