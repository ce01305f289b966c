/// A type that runs one kind of job.
///
/// Workers are values: give them their dependencies when you create them and register the
/// instance with ``Conveyor/register(_:)``. `perform` may run on many jobs at once.
///
/// To finish, return (the job completes; record a result with ``JobContext/setResult(_:)``).
/// Throw any error to fail the attempt (it is retried with the worker's backoff until
/// `maxAttempts`), or throw a ``JobControl`` to snooze, discard or cancel.
///
/// ```swift
/// struct SyncContact: JobWorker {
///     struct Args: Codable, Sendable { let contactID: UUID }
///     static let kind = "crm.sync_contact"
///     static let options = JobOptions(queue: "crm", maxAttempts: 3,
///                                     backoff: .exponential(base: .seconds(5), factor: 5))
///     let crm: CRMClient
///     func perform(_ args: Args, context: JobContext) async throws {
///         try await context.progress(0.5, "pushing")
///         try await crm.upsert(args.contactID)
///     }
/// }
/// ```
public protocol JobWorker: Sendable {
    /// The job's arguments, stored as JSON.
    associatedtype Args: Codable & Sendable

    /// The stable name jobs are stored under. Changing it orphans queued jobs.
    static var kind: String { get }

    /// Queue, priority, attempts, backoff, timeout and uniqueness for this worker's jobs.
    static var options: JobOptions { get }

    /// Runs one attempt. Cancellation (timeout, shutdown, a user's cancel) arrives as ordinary
    /// Swift task cancellation: check `Task.isCancelled` or call throwing async APIs.
    func perform(_ args: Args, context: JobContext) async throws
}

extension JobWorker {
    public static var options: JobOptions { JobOptions() }
}

/// What a worker throws to end an attempt other than by completing or failing.
public enum JobControl: Error, Sendable, Equatable {
    /// Run again after `duration`; the attempt does not count against `maxAttempts`.
    case snooze(for: Duration)
    /// Give up for good: the job is `discarded` with `reason` as its error.
    case discard(reason: String)
    /// Stop for good: the job is `cancelled` with `reason` recorded.
    case cancel(reason: String)
}
