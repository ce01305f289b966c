public import Foundation

/// Which jobs to list. Empty sets mean "any"; results are newest first (highest id first).
public struct JobFilter: Sendable, Hashable {
    public var states: Set<JobState>
    public var queues: Set<String>
    public var kinds: Set<String>
    /// Jobs that carry every one of these tags.
    public var tags: Set<String>
    /// Jobs whose args contain this object: every key it names is in the args with an equal
    /// value, objects compared key by key (`{"source_id": "s-12"}`, `{"page": {"lang": "en"}}`).
    /// Values are strings, numbers, booleans, null or objects of them; numbers compare by value.
    public var args: JSONValue?
    /// Jobs of this batch.
    public var batchID: Int64?
    public var insertedAfter: Date?
    public var insertedBefore: Date?
    /// Cursor: only jobs with an id below this one (pass the last id of the previous page).
    public var beforeID: Int64?
    /// At most this many (1…1000).
    public var limit: Int

    public init(
        states: Set<JobState> = [], queues: Set<String> = [], kinds: Set<String> = [], tags: Set<String> = [],
        args: JSONValue? = nil, batchID: Int64? = nil, insertedAfter: Date? = nil, insertedBefore: Date? = nil, beforeID: Int64? = nil, limit: Int = 100
    ) {
        self.states = states
        self.queues = queues
        self.kinds = kinds
        self.tags = tags
        self.args = args
        self.batchID = batchID
        self.insertedAfter = insertedAfter
        self.insertedBefore = insertedBefore
        self.beforeID = beforeID
        self.limit = limit
    }

    /// Checks every field, throwing an error that names the first bad one: names must be
    /// kinds and queues could have, times must lie in ``InstantRange``.
    public func validate() throws(ConveyorError) {
        guard (1...1_000).contains(limit) else { throw .invalid("limit", "must be between 1 and 1000, got \(limit)") }
        for queue in queues { try JobInsert.validateName(queue, field: "queue") }
        for kind in kinds { try JobInsert.validateName(kind, field: "kind") }
        for tag in tags {
            guard (1...100).contains(tag.count) else { throw .invalid("tag", "must be 1 to 100 characters, as tags are") }
            try StoredText.check(tag, field: "tag")
        }
        if let args { _ = try Self.argsConditions(args) }
        if let insertedAfter { try InstantRange.check(insertedAfter, field: "insertedAfter") }
        if let insertedBefore { try InstantRange.check(insertedBefore, field: "insertedBefore") }
    }
}

extension JobFilter {
    /// One condition of an args filter: the value at `path` in the args equals `value`, a
    /// string, number, boolean or null.
    package struct ArgsCondition: Sendable, Equatable {
        package let path: [String]
        package let value: JSONValue
    }

    /// The args filter as conditions on paths; every store compares the same way.
    package var argsConditions: [ArgsCondition] { (try? args.map(Self.argsConditions)) ?? [] }

    private static func argsConditions(_ args: JSONValue) throws(ConveyorError) -> [ArgsCondition] {
        guard case .object(let fields) = args, !fields.isEmpty else {
            throw .invalid("args", "must be a JSON object with at least one key, as in {\"source_id\": \"s-12\"}")
        }
        var conditions: [ArgsCondition] = []
        func flatten(_ fields: [String: JSONValue], under path: [String]) throws(ConveyorError) {
            for (key, value) in fields.sorted(by: { $0.key < $1.key }) {
                let keyPath = path + [key]
                let field = "args." + keyPath.joined(separator: ".")
                guard !key.isEmpty, !key.contains("\""), key.count <= 200 else {
                    throw .invalid(field, "a key must be 1 to 200 characters without a double quote")
                }
                try StoredText.check(key, field: field)
                switch value {
                case .object(let inner) where !inner.isEmpty: try flatten(inner, under: keyPath)
                case .object: throw .invalid(field, "an empty object matches nothing in particular; name a key inside it or leave it out")
                case .array: throw .invalid(field, "arrays cannot be matched; filter on a string, number, boolean or null")
                case .string(let text): try StoredText.check(text, field: field); conditions.append(ArgsCondition(path: keyPath, value: value))
                default: conditions.append(ArgsCondition(path: keyPath, value: value))
                }
            }
        }
        try flatten(fields, under: [])
        guard conditions.count <= 20 else { throw .invalid("args", "at most 20 values may be matched, got \(conditions.count)") }
        return conditions
    }
}

/// A queue's jobs counted by state, and whether it is paused.
public struct QueueSummary: Sendable, Hashable, Codable {
    public var name: String
    public var counts: [JobState: Int]
    public var paused: Bool
    /// Limits across all nodes (``QueueLimits/none`` when there are none).
    public var limits: QueueLimits
    /// The queue's own retention rules, if any (``QueueRetention``).
    public var retention: QueueRetention?

    public init(name: String, counts: [JobState: Int], paused: Bool, limits: QueueLimits = .none, retention: QueueRetention? = nil) {
        self.name = name
        self.counts = counts
        self.paused = paused
        self.limits = limits
        self.retention = retention
    }

    public func count(_ state: JobState) -> Int { counts[state] ?? 0 }
}

/// A node as it last reported itself.
public struct NodeRecord: Sendable, Hashable, Codable {
    public var name: String
    public var queues: [String]
    /// The job kinds it has workers for.
    public var kinds: [String]
    public var startedAt: Date
    public var heartbeatAt: Date
    /// How many jobs it was running at its last heartbeat.
    public var running: Int

    public init(name: String, queues: [String], kinds: [String], startedAt: Date, heartbeatAt: Date, running: Int) {
        self.name = name
        self.queues = queues
        self.kinds = kinds
        self.startedAt = startedAt
        self.heartbeatAt = heartbeatAt
        self.running = running
    }
}
