/// The args of a job enqueued by an ``OutcomeHook``: how the job ended, with what it was given.
///
/// Its JSON keys are snake_case, so workers in other languages read it as the HTTP API writes.
public struct JobOutcome: Sendable, Hashable, Codable {
    /// The job that ended.
    public var jobID: Int64
    /// The kind of the job that ended.
    public var kind: String
    /// The queue of the job that ended.
    public var queue: String
    /// `completed`, `discarded` or `cancelled`.
    public var state: JobState
    /// The attempts it started.
    public var attempt: Int
    /// The job's own args.
    public var args: RawJSON
    /// The tags of the job that ended.
    public var tags: [String]
    /// The message of its last error, if it failed or was cancelled.
    public var error: String?
    /// The result its worker recorded, if it completed with one.
    public var result: JSONValue?
    /// The batch it belonged to, if any.
    public var batchID: Int64?

    /// The outcome of job `jobID`.
    public init(
        jobID: Int64, kind: String, queue: String, state: JobState, attempt: Int, args: RawJSON, tags: [String],
        error: String?, result: JSONValue?, batchID: Int64?
    ) {
        self.jobID = jobID
        self.kind = kind
        self.queue = queue
        self.state = state
        self.attempt = attempt
        self.args = args
        self.tags = tags
        self.error = error
        self.result = result
        self.batchID = batchID
    }

    /// How `job`, now final, ended.
    init(_ job: Job) {
        self.init(jobID: job.id, kind: job.kind, queue: job.queue, state: job.state, attempt: job.attempt, args: job.args,
                  tags: job.tags, error: job.errors.last?.message, result: job.result, batchID: job.batchID)
    }

    enum CodingKeys: String, CodingKey {
        case jobID = "job_id", kind, queue, state, attempt, args, tags, error, result
        case batchID = "batch_id"
    }
}
