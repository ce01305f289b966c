/// Limits on one queue that hold across every node, stored in the database and settable while
/// nodes run (``Conveyor/setLimits(_:queue:)``, `conveyor queues limit`).
///
/// They add to each node's own concurrency for the queue: a node never runs more than its own
/// slots, and all nodes together never more than ``concurrency`` nor start more than
/// ``rate`` allows.
public struct QueueLimits: Sendable, Hashable, Codable {
    /// At most this many jobs of the queue executing at once, over all nodes; `nil` for no limit.
    public var concurrency: Int?
    /// At most so many jobs started per period, over all nodes; `nil` for no limit.
    public var rate: RateLimit?

    /// Limits over every node; nil removes that limit.
    public init(concurrency: Int? = nil, rate: RateLimit? = nil) {
        self.concurrency = concurrency
        self.rate = rate
    }

    /// No limit beyond each node's own concurrency.
    public static let none = QueueLimits()

    /// Whether any limit is set.
    public var isLimited: Bool { concurrency != nil || rate != nil }

    /// Checks every value.
    ///
    /// - Throws: ``ConveyorError`` (`invalidInput`) naming the field and the bad value.
    public func validate() throws(ConveyorError) {
        if let concurrency, !(1...100_000).contains(concurrency) {
            throw ConveyorError(.invalidInput, field: "concurrency", "must be between 1 and 100000, not \(concurrency)")
        }
        try rate?.validate()
    }
}

/// A sliding-window rate: within any window of length ``period``, at most ``count`` jobs start.
public struct RateLimit: Sendable, Hashable, Codable {
    /// Jobs that may start in each period.
    public var count: Int
    /// The window the count applies to.
    public var period: Duration

    /// At most `count` job starts per `period`.
    public init(count: Int, period: Duration) {
        self.count = count
        self.period = period
    }

    /// The period in whole microseconds, as the stores keep it.
    package var periodMicros: Int64 {
        period.components.seconds * 1_000_000 + period.components.attoseconds / 1_000_000_000_000
    }

    /// Checks every value.
    ///
    /// - Throws: ``ConveyorError`` (`invalidInput`) naming the field and the bad value.
    public func validate() throws(ConveyorError) {
        guard (1...1_000_000).contains(count) else {
            throw ConveyorError(.invalidInput, field: "rate.count", "must be between 1 and 1000000, not \(count)")
        }
        guard period >= .milliseconds(1), period <= .seconds(86_400) else {
            throw ConveyorError(.invalidInput, field: "rate.period", "must be between 1 ms and 1 day, not \(period)")
        }
    }

    private enum CodingKeys: String, CodingKey { case count, periodSeconds }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        count = try container.decode(Int.self, forKey: .count)
        period = try .seconds(checked: try container.decode(Double.self, forKey: .periodSeconds), field: "rate.period_seconds")
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(count, forKey: .count)
        try container.encode(Double(periodMicros) / 1_000_000, forKey: .periodSeconds)
    }
}

extension QueueLimits {
    /// Limits as the stores keep them: three nullable columns.
    package init(concurrency: Int?, rateCount: Int?, ratePeriodMicros: Int64?) {
        self.init(concurrency: concurrency, rate: rateCount.flatMap { count in
            ratePeriodMicros.map { RateLimit(count: count, period: .microseconds($0)) }
        })
    }

    /// How many of `requested` jobs a claim may start, given the jobs of the queue executing on
    /// all nodes and those started within the rate window ending now. Stores call it while
    /// holding the queue's lock, so no other claim changes either number meanwhile.
    package func allowance(requested: Int, executing: Int, startedInWindow: Int) -> Int {
        var allowed = requested
        if let concurrency { allowed = min(allowed, concurrency - executing) }
        if let rate { allowed = min(allowed, rate.count - startedInWindow) }
        return max(allowed, 0)
    }
}
