import Foundation
public import Logging
import Synchronization

/// What a running job can see and do: its stored record, progress, its result, a logger.
public final class JobContext: Sendable {
    /// The job as claimed (its `attempt` is the one now running).
    public let job: Job
    private let baseLogger: Logger

    /// A logger whose metadata carries the job's id, kind, queue and attempt. It is built on
    /// first use, so workers that do not log pay nothing for it.
    public var logger: Logger {
        var logger = baseLogger
        logger[metadataKey: "job.id"] = "\(job.id)"
        logger[metadataKey: "job.kind"] = "\(job.kind)"
        logger[metadataKey: "job.queue"] = "\(job.queue)"
        logger[metadataKey: "job.attempt"] = "\(job.attempt)"
        return logger
    }

    // The reporter and the clock themselves, not closures over them: a context is made for
    // every attempt, and each closure was one more allocation.
    private let progressReporter: ProgressReporter
    private let clock: any JobClock
    private let resultBox = Mutex<RawJSON?>(nil)
    private let followUpsBox = Mutex<[JobInsert]>([])

    init(job: Job, logger: Logger, clock: any JobClock, progress: ProgressReporter) {
        self.job = job
        self.baseLogger = logger
        self.clock = clock
        self.progressReporter = progress
    }

    /// Records progress: `fraction` from 0 to 1 and an optional message.
    ///
    /// It is saved to the job's meta (at most a few times a second; the last report before the
    /// job ends is always saved) and published as a ``JobEvent``. A NUL in the message, which
    /// a database cannot store, becomes U+FFFD.
    public func progress(_ fraction: Double, _ message: String? = nil) async throws {
        try await report(fraction, message, details: nil)
    }

    /// Records progress with a JSON value beside it (what the work has reached: pages fetched,
    /// the current step, counts), saved to the job's meta under `progress_details` and
    /// carried by the ``JobEvent`` as `details`.
    ///
    /// ```swift
    /// try await context.progress(0.4, "embedding", details: ["chunks": 40, "of": 100])
    /// ```
    ///
    /// - Throws: ``ConveyorError`` (`invalidInput`, field `details`) if it cannot be encoded,
    ///   holds a NUL, or is larger than 16 KiB.
    public func progress(_ fraction: Double, _ message: String? = nil, details: some Encodable) async throws {
        let json = try RawJSON(encoding: details, field: "details")
        try StoredText.check(json, field: "details")
        guard json.text.utf8.count <= JobProgress.maximumDetailBytes else {
            throw ConveyorError.invalid("details", "must encode to at most \(JobProgress.maximumDetailBytes) bytes of JSON, got \(json.text.utf8.count)")
        }
        try await report(fraction, message, details: json)
    }

    private func report(_ fraction: Double, _ message: String?, details: RawJSON?) async throws {
        guard fraction.isFinite else { throw ConveyorError.invalid("progress", "must be a number from 0 to 1") }
        try await progressReporter.report(JobProgress(fraction: min(max(fraction, 0), 1), message: message.map(StoredText.repaired), details: details))
    }

    /// Records a result, stored in the job's meta under `result` when the job completes.
    ///
    /// - Throws: ``ConveyorError`` (`invalidInput`) if the value cannot be encoded as JSON, or
    ///   holds a NUL character, which a database cannot store.
    public func setResult(_ value: some Encodable) throws {
        let json = try RawJSON(encoding: value, field: "result")
        try StoredText.check(json, field: "result")
        resultBox.withLock { $0 = json }
    }

    var result: RawJSON? { resultBox.withLock { $0 } }

    /// Enqueues a job for `worker` when, and only when, this job completes: the follow-up and
    /// the completion are stored in one transaction, so a crash leaves both or neither. If
    /// this attempt fails, is snoozed or is cancelled, its follow-ups are dropped (a retry
    /// hands back its own). A follow-up of a job in a batch joins the batch.
    ///
    /// ```swift
    /// func perform(_ args: Fetch, context: JobContext) async throws {
    ///     let page = try await crm.fetch(args.clientID)
    ///     try context.followUp(Summarise.self, args: Summarise.Args(pageID: page.id))
    /// }
    /// ```
    ///
    /// - Throws: ``ConveyorError`` (`invalidInput`) naming the bad option or argument.
    public func followUp<W: JobWorker>(_ worker: W.Type, args: W.Args, options: EnqueueOptions = EnqueueOptions()) throws {
        try followUp(options.resolve(kind: W.kind, args: RawJSON(encoding: args), defaults: W.options, now: clock.now()))
    }

    /// Enqueues `insert` when this job completes, as ``followUp(_:args:options:)`` does, for a
    /// kind without a Swift worker here.
    public func followUp(_ insert: JobInsert) throws {
        try insert.validate()
        followUpsBox.withLock { $0.append(insert) }
    }

    var followUps: [JobInsert] { followUpsBox.withLock { $0 } }
}
