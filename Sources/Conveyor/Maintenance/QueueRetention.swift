/// How long one queue keeps its finished jobs, per final state: "keep the last 100 completed
/// and 500 discarded", "delete completed after 7 days".
///
/// A rule given for a state replaces the node-wide ``Retention`` for that state in this queue;
/// a state without a rule follows the node-wide one. Stored in the database and settable while
/// nodes run (``Conveyor/setRetention(_:queue:)``, `PUT /api/v1/queues/{name}/retention`,
/// `conveyor queues retention`): the node that prunes reads it on each pass.
///
/// ```swift
/// try await conveyor.setRetention(QueueRetention(completed: .keepLast(100), discarded: .keepLast(500)),
///                                 queue: "deals")
/// ```
public struct QueueRetention: Sendable, Hashable, Codable {
    /// What is kept of one final state. With neither limit, the jobs are kept.
    public struct Rule: Sendable, Hashable, Codable {
        /// Jobs that finished longer ago than this are deleted; `nil`: no age limit.
        public var maxAge: Duration?
        /// Only the newest this many are kept (by id); `nil`: no count limit.
        public var keepLast: Int?

        /// Keeps the jobs younger than `maxAge` and the newest `keepLast`; nil for either leaves it out.
        public init(maxAge: Duration? = nil, keepLast: Int? = nil) {
            self.maxAge = maxAge
            self.keepLast = keepLast
        }

        /// Keep the newest `count`.
        public static func keepLast(_ count: Int) -> Rule { Rule(keepLast: count) }
        /// Delete what finished longer ago than `age`.
        public static func maxAge(_ age: Duration) -> Rule { Rule(maxAge: age) }
        /// Keep every job of the state.
        public static let keepAll = Rule()

        private enum CodingKeys: String, CodingKey { case maxAgeSeconds, keepLast }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            maxAge = try container.decodeIfPresent(Double.self, forKey: .maxAgeSeconds).map { try .seconds(checked: $0, field: "max_age_seconds") }
            keepLast = try container.decodeIfPresent(Int.self, forKey: .keepLast)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(maxAge?.seconds, forKey: .maxAgeSeconds)
            try container.encode(keepLast, forKey: .keepLast)
        }
    }

    /// How long completed jobs are kept; nil follows the node-wide retention.
    public var completed: Rule?
    /// How long discarded jobs are kept; nil follows the node-wide retention.
    public var discarded: Rule?
    /// How long cancelled jobs are kept; nil follows the node-wide retention.
    public var cancelled: Rule?

    /// Rules for the states named; a state without one follows the node-wide retention.
    public init(completed: Rule? = nil, discarded: Rule? = nil, cancelled: Rule? = nil) {
        self.completed = completed
        self.discarded = discarded
        self.cancelled = cancelled
    }

    /// The rule for `state`, if this queue has its own.
    public func rule(for state: JobState) -> Rule? {
        switch state {
        case .completed: completed
        case .discarded: discarded
        case .cancelled: cancelled
        default: nil
        }
    }

    /// No rule for any state: the queue follows the node-wide retention.
    public var isEmpty: Bool { completed == nil && discarded == nil && cancelled == nil }

    /// Checks every rule.
    ///
    /// - Throws: ``ConveyorError`` (`invalidInput`) naming the field and the bad value.
    public func validate() throws(ConveyorError) {
        for (state, rule) in [("completed", completed), ("discarded", discarded), ("cancelled", cancelled)] {
            guard let rule else { continue }
            if let age = rule.maxAge, age < .seconds(1) || age > .seconds(315_360_000) {
                throw .invalid("\(state).max_age_seconds", "must be between 1 second and ten years, got \(age.seconds)")
            }
            if let keep = rule.keepLast, !(0...100_000_000).contains(keep) {
                throw .invalid("\(state).keep_last", "must be between 0 and 100000000, got \(keep)")
            }
        }
    }
}
