public import Foundation

/// Something that happened to a job, published to ``Conveyor/events()``.
public struct JobEvent: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        case inserted, started, progress, completed, retrying, snoozed, discarded, cancelled, released
    }

    public var kind: Kind
    public var jobID: Int64
    public var jobKind: String
    public var queue: String
    public var attempt: Int
    public var at: Date
    /// For `progress`: the fraction done, 0 to 1.
    public var progress: Double?
    /// For `progress`: the worker's message; for failures: the error message.
    public var message: String?
    /// The node where it happened.
    public var node: String?

    public init(kind: Kind, jobID: Int64, jobKind: String, queue: String, attempt: Int, at: Date,
                progress: Double? = nil, message: String? = nil, node: String? = nil) {
        self.kind = kind
        self.jobID = jobID
        self.jobKind = jobKind
        self.queue = queue
        self.attempt = attempt
        self.at = at
        self.progress = progress
        self.message = message
        self.node = node
    }
}
