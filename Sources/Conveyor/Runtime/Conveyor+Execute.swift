import Foundation
import Logging
import Synchronization

extension Conveyor {
    /// Runs one claimed job and returns the outcome to store, or nil if the attempt was lost
    /// (cancelled or rescued elsewhere) and there is nothing to store. `claim` is the claim's
    /// trace when tracing is on; `deadlines`, whose loop must be running, times the attempt.
    func execute(_ job: Job, claim: ClaimTrace?, deadlines: DeadlineWatch) async -> PendingAck? {
        await JobTracing.run(job, claim: claim) { await attempt(job, deadlines: deadlines) }
    }

    private func attempt(_ job: Job, deadlines: DeadlineWatch) async -> PendingAck? {
        let attempt = JobAttempt(jobID: job.id, attempt: job.attempt, node: node)
        let startedAt = clock.now()
        let timers = metrics.runTimers(queue: job.queue, kind: job.kind)
        timers.recordPickup(seconds: startedAt.timeIntervalSince(job.scheduledAt))
        guard let worker = workers.withLock({ $0[job.kind] }) else {
            let error = JobErrorEntry(
                attempt: job.attempt, at: startedAt,
                message: "no worker registered for kind '\(job.kind)' on node \(node); it will be retried, register a worker for it",
                node: node, startedAt: startedAt)
            logger.warning("unknown job kind", metadata: Self.metadata(job, ["error": "\(error.message)"]))
            let ack = JobAck(attempt, failure(job, error, backoff: .exponential()), mayHaveFinalEffects: job.mayHaveFinalEffects)
            return PendingAck(ack: ack, job: job)
        }
        let stop = running.register(attempt)
        if wantsEvents { emit(JobEvent(.started, job, at: startedAt)) }
        let progress = ProgressReporter(conveyor: self, job: job, attempt: attempt)
        let context = JobContext(job: job, logger: logger, clock: clock, progress: progress)
        let thrown = await stop.run(timeout: job.ownTimeout ?? worker.options.timeout, on: deadlines) { try await worker.perform(job.args, context) }
        let ranOut: Bool
        var outcome: JobAck.Outcome
        if let thrown {
            (outcome, ranOut) = classify(thrown, job: job, backoff: job.ownBackoff ?? worker.options.backoff, startedAt: startedAt)
        } else {
            (outcome, ranOut) = (.completed(result: context.result), false)
        }
        await progress.flush()
        running.remove(job.id)
        let stopped = stop.reason ?? (Task.isCancelled ? .shutdown : nil)
        switch (stopped, outcome) {
        case (.lost?, _):
            return nil
        case (.shutdown?, .completed):
            break
        case (.shutdown?, _):
            outcome = .release
        case (nil, _):
            break
        }
        let duration = clock.now().timeIntervalSince(startedAt)
        timers.recordRun(seconds: duration)
        if case .completed = outcome {
            logger.debug("job completed", metadata: Self.metadata(job))
        } else {
            logger.info("job attempt ended", metadata: Self.metadata(job, [
                "outcome": "\(JobAck(attempt, outcome).resultingState)", "out_of_attempts": "\(ranOut)",
            ]))
        }
        let followUps = if case .completed = outcome { context.followUps } else { [JobInsert]() }
        return PendingAck(ack: JobAck(attempt, outcome, followUps: followUps, mayHaveFinalEffects: job.mayHaveFinalEffects), job: job)
    }

    /// Maps what a worker threw to the outcome to store.
    private func classify(_ error: any Error, job: Job, backoff: Backoff, startedAt: Date) -> (JobAck.Outcome, Bool) {
        let now = clock.now()
        func entry(_ message: String) -> JobErrorEntry {
            JobErrorEntry(attempt: job.attempt, at: now, message: message, node: node, startedAt: startedAt)
        }
        switch error {
        case JobControl.snooze(let duration):
            return (.snooze(until: InstantRange.clamp(now.addingTimeInterval(max(duration, .zero).seconds))), false)
        case JobControl.discard(let reason):
            return (.discard(error: entry("discarded: \(reason)")), false)
        case JobControl.cancel(let reason):
            return (.cancel(error: entry("cancelled: \(reason)")), false)
        case let failure as ArgumentsDecodingFailure:
            return (.discard(error: entry("arguments do not decode, not retried: \(failure)")), false)
        case let timeout as AttemptTimeout:
            return (failure(job, entry("\(timeout)"), backoff: backoff), job.attempt >= job.maxAttempts)
        default:
            let message = "\(type(of: error)): \(error)"
            return (failure(job, entry(message), backoff: backoff), job.attempt >= job.maxAttempts)
        }
    }

    /// A failed attempt: retry after the backoff, or discard when out of attempts.
    func failure(_ job: Job, _ error: JobErrorEntry, backoff: Backoff) -> JobAck.Outcome {
        guard job.attempt < job.maxAttempts else { return .discard(error: error) }
        // A custom backoff may answer anything: a retry beyond the last storable instant waits there.
        return .retry(at: InstantRange.clamp(error.at.addingTimeInterval(backoff.delay(afterAttempt: job.attempt).seconds)), error: error)
    }

    static func metadata(_ job: Job, _ extra: Logger.Metadata = [:]) -> Logger.Metadata {
        var metadata: Logger.Metadata = [
            "job.id": "\(job.id)", "job.kind": "\(job.kind)", "job.queue": "\(job.queue)", "job.attempt": "\(job.attempt)",
        ]
        metadata.merge(extra) { $1 }
        return metadata
    }
}

/// An attempt ran longer than its worker's timeout.
struct AttemptTimeout: Error, CustomStringConvertible {
    let timeout: Duration
    var description: String { "timed out after \(timeout)" }
}

/// Publishes every progress report and saves them at most once per interval.
final class ProgressReporter: Sendable {
    private struct State {
        var lastSaved: Duration?
        var unsaved: JobProgress?
    }

    private let conveyor: Conveyor
    private let job: Job
    private let attempt: JobAttempt
    private let state = Mutex(State())

    init(conveyor: Conveyor, job: Job, attempt: JobAttempt) {
        self.conveyor = conveyor
        self.job = job
        self.attempt = attempt
    }

    func report(_ progress: JobProgress) async throws {
        conveyor.emit(JobEvent(.progress, job, at: conveyor.clock.now(), progress: progress.fraction, message: progress.message,
                               details: progress.details?.value))
        let now = conveyor.timers.now
        let interval = conveyor.configuration.progressSaveInterval
        let save = state.withLock { state -> Bool in
            if let last = state.lastSaved, now - last < interval {
                state.unsaved = progress
                return false
            }
            state.lastSaved = now
            state.unsaved = nil
            return true
        }
        guard save else { return }
        do {
            try await conveyor.store.recordProgress(attempt, progress)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            // Progress reports on the work; it is not the work. A database that is away for a
            // moment must not fail the attempt: the report waits for the next save or the end.
            state.withLock { $0.unsaved = $0.unsaved ?? progress }
            conveyor.logger.warning("saving progress failed; the job goes on", metadata: Conveyor.metadata(job, ["error": "\(error)"]))
        }
    }

    /// Saves the last report if the throttle held it back.
    func flush() async {
        guard let progress = state.withLock({ state in defer { state.unsaved = nil }; return state.unsaved }) else { return }
        try? await conveyor.store.recordProgress(attempt, progress)
    }
}
