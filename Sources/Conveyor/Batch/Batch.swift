public import Foundation

/// Jobs enqueued together whose ending is awaited as one: when every job of the batch is
/// final, one callback job is enqueued with the batch's counts.
///
/// The counts are kept by the transactions that make the batch's jobs final, so they stay
/// right when finished jobs are pruned, and the callback is enqueued exactly once, however
/// many nodes finish the last jobs at the same moment. Follow-ups enqueued by a batch's job
/// (``JobContext/followUp(_:args:options:)``) join its batch.
public struct Batch: Sendable, Hashable, Codable, Identifiable {
    /// The batch's id, for ``Conveyor/batch(id:)`` and the jobs' ``JobFilter/batchID``.
    public var id: Int64
    /// Jobs in the batch: those it was enqueued with, plus follow-ups, minus jobs deleted
    /// before they ended.
    public var total: Int
    /// Jobs of the batch that completed.
    public var completed: Int
    /// Jobs of the batch that were discarded (out of attempts, or by their worker).
    public var discarded: Int
    /// Jobs of the batch that were cancelled.
    public var cancelled: Int
    /// The job enqueued when the batch ends.
    public var callback: BatchCallback
    /// When the batch was enqueued.
    public var createdAt: Date
    /// When its last job became final and the callback was enqueued.
    public var finishedAt: Date?
    /// The callback job, once enqueued.
    public var callbackJobID: Int64?

    /// A batch as a store reads it back.
    public init(
        id: Int64, total: Int, completed: Int, discarded: Int, cancelled: Int, callback: BatchCallback, createdAt: Date,
        finishedAt: Date?, callbackJobID: Int64?
    ) {
        self.id = id
        self.total = total
        self.completed = completed
        self.discarded = discarded
        self.cancelled = cancelled
        self.callback = callback
        self.createdAt = createdAt
        self.finishedAt = finishedAt
        self.callbackJobID = callbackJobID
    }

    /// Jobs not final yet.
    public var pending: Int { total - completed - discarded - cancelled }

    /// The callback job due now that every job is final, or nil while some are not (or the
    /// callback was already enqueued).
    package func callbackDue() -> JobInsert? {
        guard finishedAt == nil, pending <= 0 else { return nil }
        let outcome = BatchOutcome(batchID: id, total: total, completed: completed, discarded: discarded, cancelled: cancelled,
                                   args: callback.args)
        // Encoding plain numbers and stored JSON cannot fail.
        let args = (try? RawJSON(encoding: outcome)) ?? .emptyObject
        return JobInsert(kind: callback.kind, queue: callback.queue, args: args, priority: callback.priority,
                         maxAttempts: callback.maxAttempts)
    }
}

/// The job a ``Batch`` enqueues when it ends. Its args are a ``BatchOutcome``.
public struct BatchCallback: Sendable, Hashable, Codable {
    /// The callback job's kind.
    public var kind: String
    /// The queue the callback job runs in.
    public var queue: String
    /// The callback job's priority (0 runs first).
    public var priority: Int
    /// How many attempts the callback job gets.
    public var maxAttempts: Int
    /// Handed to the callback as ``BatchOutcome/args``: what it needs to know besides the counts.
    public var args: RawJSON

    /// A callback of `kind` by name, for a kind without a worker type here.
    public init(kind: String, queue: String = "default", priority: Int = 0, maxAttempts: Int = JobOptions.defaultMaxAttempts,
                args: RawJSON = .emptyObject) {
        self.kind = kind
        self.queue = queue
        self.priority = priority
        self.maxAttempts = maxAttempts
        self.args = args
    }

    /// A callback run by `worker`, with its queue, priority and attempts, handed `args`.
    public init<W: JobWorker>(_ worker: W.Type, args: some Encodable & Sendable = [String: String]()) throws(ConveyorError)
    where W.Args == BatchOutcome {
        self.init(kind: W.kind, queue: W.options.queue, priority: W.options.priority, maxAttempts: W.options.maxAttempts,
                  args: try RawJSON(encoding: args, field: "callback.args"))
    }

    func validate() throws(ConveyorError) {
        do {
            try JobInsert(kind: kind, queue: queue, args: args, priority: priority, maxAttempts: maxAttempts).validate()
        } catch {
            throw ConveyorError(error.code, field: "callback.\(error.field ?? "")", error.message)
        }
        guard args.text.first == "{" else { throw .invalid("callback.args", "must be a JSON object") }
    }

    enum CodingKeys: String, CodingKey {
        case kind, queue, priority, args
        case maxAttempts = "max_attempts"
    }
}

/// The args of a batch's callback job. JSON keys are snake_case, as the HTTP API writes them.
public struct BatchOutcome: Sendable, Hashable, Codable {
    /// The batch that ended.
    public var batchID: Int64
    /// Jobs in the batch when it ended.
    public var total: Int
    /// Jobs that completed.
    public var completed: Int
    /// Jobs that were discarded.
    public var discarded: Int
    /// Jobs that were cancelled.
    public var cancelled: Int
    /// What the enqueuer gave the callback (``BatchCallback/args``).
    public var args: RawJSON

    /// The outcome of batch `batchID`.
    public init(batchID: Int64, total: Int, completed: Int, discarded: Int, cancelled: Int, args: RawJSON) {
        self.batchID = batchID
        self.total = total
        self.completed = completed
        self.discarded = discarded
        self.cancelled = cancelled
        self.args = args
    }

    enum CodingKeys: String, CodingKey {
        case batchID = "batch_id", total, completed, discarded, cancelled, args
    }
}
