
/// A job handed to a worker process over HTTP, and the token its outcome must carry.
public struct Lease: Sendable, Hashable {
    /// The job, as its attempt started.
    public var job: Job
    /// Names the job's attempt on the worker: an outcome or a renewal with it counts only while
    /// that attempt is the job's current one (attempt fencing, as for nodes).
    public var token: String

    /// How long the attempt may run (its enqueue's, or its kind's as a worker process declared
    /// it); the worker fails it as timed out after that. Nil: no limit.
    public var timeout: Duration? { job.ownTimeout }
}

/// A lease token's parts: `jobID.attempt.worker`.
package struct LeaseToken: Sendable, Hashable {
    package let attempt: JobAttempt

    package init(_ attempt: JobAttempt) { self.attempt = attempt }

    package init(parsing text: String) throws(ConveyorError) {
        let parts = text.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, let id = Int64(parts[0]), id > 0, let attempt = Int(parts[1]), attempt > 0,
              (try? JobInsert.validateName(String(parts[2]), field: "lease")) != nil else {
            throw ConveyorError(.invalidInput, field: "lease", "'\(text.prefix(100))' is not a lease token (as fetch returned it)")
        }
        self.attempt = JobAttempt(jobID: id, attempt: attempt, node: String(parts[2]))
    }

    package var text: String { "\(attempt.jobID).\(attempt.attempt).\(attempt.node)" }
}

/// How a worker process ends a leased job's attempt.
public enum LeaseOutcome: Sendable, Hashable {
    /// Done; `result` is stored in the job's meta.
    case completed(result: JSONValue?)
    /// Failed: retried after `retryIn` (or the job's backoff) while attempts remain, else discarded.
    case failed(message: String, retryIn: Duration?)
    /// Run again after `duration`, without using up an attempt.
    case snoozed(Duration)
    /// Given up for good.
    case discarded(reason: String)
    /// Stopped for good.
    case cancelled(reason: String)
}

/// What a renewal found: the leases no longer the worker's (the job was cancelled, or the
/// attempt was rescued and runs elsewhere). The worker stops those jobs.
public struct LeaseRenewal: Sendable, Hashable {
    /// Leases whose jobs were cancelled: the worker stops them and reports nothing.
    public var cancelled: [String]
    /// Leases whose attempts were rescued and run elsewhere: the worker stops them.
    public var lost: [String]
}
