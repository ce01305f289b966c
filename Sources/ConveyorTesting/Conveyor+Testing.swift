public import Conveyor
import Foundation

extension Conveyor {
    /// Runs the available jobs of `queue` to their outcome, in the calling task, and returns
    /// them as stored afterwards, in the order they ran. Jobs that become available while it
    /// runs (an immediate retry, a job enqueued by a job) run too.
    ///
    /// - Parameters:
    ///   - queue: the queue to run.
    ///   - stageDueJobs: first make scheduled and retryable jobs that are due by the
    ///     configured clock available, as the stager would.
    ///   - limit: stop after this many jobs.
    @discardableResult
    public func drain(queue: String = "default", stageDueJobs: Bool = true, limit: Int = 10_000) async throws -> [Job] {
        try await drain(queue: queue, stage: stageDueJobs, limit: limit)
    }

    /// One scheduler pass by the clock, as every node runs it: stores the schedules declared in
    /// the configuration (on the first pass), then fires (or skips, or records as missed) every
    /// due schedule whose kind is registered here or declared (by a node or a worker process).
    /// Returns what each fire did, by schedule name.
    @discardableResult
    public func runScheduler() async throws -> [String: ScheduleFireResult] {
        try await declareConfiguredSchedules()
        return try await fireDueSchedules()
    }

    /// One maintenance pass as the leader would run it: stage due jobs, rescue jobs of nodes
    /// silent longer than `rescueAfter`, prune by retention.
    public func runMaintenance() async throws {
        try await maintain(lastPrune: nil)
    }

    /// The jobs of `worker` that are not final, oldest first.
    public func enqueuedJobs<W: JobWorker>(_ worker: W.Type, queue: String? = nil) async throws -> [Job] {
        let filter = JobFilter(states: JobState.active, queues: queue.map { [$0] } ?? [], kinds: [W.kind], limit: 1_000)
        return try await jobs(matching: filter).reversed()
    }

    /// Checks that a job of `worker` with exactly `args` is waiting to run (not final).
    ///
    /// - Returns: the matching job.
    /// - Throws: ``EnqueuedJobNotFound`` listing what is enqueued instead; any test framework
    ///   reports a thrown error as a failure.
    @discardableResult
    public func assertEnqueued<W: JobWorker>(_ worker: W.Type, args: W.Args, queue: String? = nil) async throws -> Job
    where W.Args: Encodable {
        let expected = try RawJSON(encoding: args).value
        let candidates = try await enqueuedJobs(worker, queue: queue)
        if let match = candidates.first(where: { $0.args.value == expected }) { return match }
        throw EnqueuedJobNotFound(kind: W.kind, expectedArgs: expected.jsonText, found: candidates.map(\.args.text))
    }
}

/// No enqueued job matched what a test expected.
public struct EnqueuedJobNotFound: Error, CustomStringConvertible {
    /// The kind the test expected.
    public let kind: String
    /// The args the test expected, as JSON.
    public let expectedArgs: String
    /// The args of the jobs of that kind that were found, as JSON.
    public let found: [String]

    /// What was expected and what was found.
    public var description: String {
        let list = found.isEmpty ? "none" : found.prefix(10).joined(separator: ", ")
        return "no enqueued \(kind) job with args \(expectedArgs); enqueued \(kind) jobs have args: \(list)"
    }
}
