public import Foundation

/// Which jobs to list. Empty sets mean "any"; results are newest first (highest id first).
public struct JobFilter: Sendable, Hashable {
    /// Jobs in any of these states.
    public var states: Set<JobState>
    /// Jobs of any of these queues.
    public var queues: Set<String>
    /// Jobs of any of these kinds.
    public var kinds: Set<String>
    /// Jobs that carry every one of these tags.
    public var tags: Set<String>
    /// Jobs whose args contain this JSON object (`{"source_id": "s-12"}`,
    /// `{"page": {"lang": "en"}}`, `{"ids": [4]}`), by PostgreSQL's `jsonb @>` rule on every
    /// store: each key it names is in the args with a value containing its value; an array
    /// contains the elements named; numbers compare by value.
    public var args: JSONValue?
    /// Jobs of this batch.
    public var batchID: Int64?
    /// Jobs this schedule fired (its runs, also those triggered by hand).
    public var schedule: String?
    /// Jobs inserted at or after this time.
    public var insertedAfter: Date?
    /// Jobs inserted before this time.
    public var insertedBefore: Date?
    /// Cursor: only jobs with an id below this one (pass the last id of the previous page).
    public var beforeID: Int64?
    /// At most this many (1…1000).
    public var limit: Int

    /// A filter; with no argument it takes any job, newest first, 100 at a time.
    public init(
        states: Set<JobState> = [], queues: Set<String> = [], kinds: Set<String> = [], tags: Set<String> = [],
        args: JSONValue? = nil, batchID: Int64? = nil, schedule: String? = nil, insertedAfter: Date? = nil, insertedBefore: Date? = nil, beforeID: Int64? = nil, limit: Int = 100
    ) {
        self.states = states
        self.queues = queues
        self.kinds = kinds
        self.tags = tags
        self.args = args
        self.batchID = batchID
        self.schedule = schedule
        self.insertedAfter = insertedAfter
        self.insertedBefore = insertedBefore
        self.beforeID = beforeID
        self.limit = limit
    }

    /// Checks every field, throwing an error that names the first bad one: names must be
    /// kinds and queues could have, times must lie in `InstantRange` (1970 to 9999).
    public func validate() throws(ConveyorError) {
        guard (1...1_000).contains(limit) else { throw .invalid("limit", "must be between 1 and 1000, got \(limit)") }
        for queue in queues { try JobInsert.validateName(queue, field: "queue") }
        for kind in kinds { try JobInsert.validateName(kind, field: "kind") }
        if let schedule { try JobInsert.validateName(schedule, field: "schedule") }
        for tag in tags {
            guard (1...100).contains(tag.count) else { throw .invalid("tag", "must be 1 to 100 characters, as tags are") }
            try StoredText.check(tag, field: "tag")
        }
        if let args, case .object = args {} else if args != nil {
            throw .invalid("args", "must be a JSON object, as in {\"source_id\": \"s-12\"}")
        }
        if let insertedAfter { try InstantRange.check(insertedAfter, field: "insertedAfter") }
        if let insertedBefore { try InstantRange.check(insertedBefore, field: "insertedBefore") }
    }
}

extension JobFilter {
    /// Whether no stored job can match: a NUL in the args filter, which no stored text holds
    /// (and PostgreSQL cannot even compare).
    package var matchesNothing: Bool { args?.holdsNUL ?? false }
}

/// A queue's jobs counted by state, and whether it is paused.
public struct QueueSummary: Sendable, Hashable, Codable {
    /// The queue's name.
    public var name: String
    /// Its jobs by state; a state without jobs may be missing (see ``count(_:)``).
    public var counts: [JobState: Int]
    /// Whether its nodes have stopped starting its jobs (``Conveyor/pause(queue:)``).
    public var paused: Bool
    /// Limits across all nodes (``QueueLimits/none`` when there are none).
    public var limits: QueueLimits
    /// The queue's own retention rules, if any (``QueueRetention``).
    public var retention: QueueRetention?

    /// A queue as a store reads it back.
    public init(name: String, counts: [JobState: Int], paused: Bool, limits: QueueLimits = .none, retention: QueueRetention? = nil) {
        self.name = name
        self.counts = counts
        self.paused = paused
        self.limits = limits
        self.retention = retention
    }

    /// How many of its jobs are in `state`.
    public func count(_ state: JobState) -> Int { counts[state] ?? 0 }
}

/// A node as it last reported itself.
public struct NodeRecord: Sendable, Hashable, Codable {
    /// The node's name, as jobs' ``Job/attemptedBy`` names it.
    public var name: String
    /// The queues it runs.
    public var queues: [String]
    /// The job kinds it has workers for.
    public var kinds: [String]
    /// When it started.
    public var startedAt: Date
    /// Its last heartbeat: a node silent for ``ConveyorConfiguration/rescueAfter`` has its jobs rescued.
    public var heartbeatAt: Date
    /// How many jobs it was running at its last heartbeat.
    public var running: Int
    /// How many jobs it runs at once across its queues (a node's queue concurrencies added up,
    /// a worker process's own concurrency); `nil` when a worker process did not say.
    public var slots: Int?

    /// A node as it heartbeats.
    public init(name: String, queues: [String], kinds: [String], startedAt: Date, heartbeatAt: Date, running: Int, slots: Int? = nil) {
        self.name = name
        self.queues = queues
        self.kinds = kinds
        self.startedAt = startedAt
        self.heartbeatAt = heartbeatAt
        self.running = running
        self.slots = slots
    }
}
