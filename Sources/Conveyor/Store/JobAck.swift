package import Foundation

/// The identity of one attempt of one job: acknowledgements must match it.
package struct JobAttempt: Sendable, Hashable {
    package var jobID: Int64
    package var attempt: Int
    package var node: String

    package init(jobID: Int64, attempt: Int, node: String) {
        self.jobID = jobID
        self.attempt = attempt
        self.node = node
    }
}

/// The outcome of an attempt, to be stored.
package struct JobAck: Sendable, Hashable {
    package enum Outcome: Sendable, Hashable {
        /// Done, with the worker's result if it set one.
        case completed(result: RawJSON?)
        /// Failed; runs again at `at`.
        case retry(at: Date, error: JobErrorEntry)
        /// Failed for good.
        case discard(error: JobErrorEntry)
        /// Stopped for good by the worker.
        case cancel(error: JobErrorEntry)
        /// Runs again at `at` without using up an attempt.
        case snooze(until: Date)
        /// Interrupted by shutdown: available again now, the attempt not counted.
        case release
    }

    package var attempt: JobAttempt
    package var outcome: Outcome
    /// Jobs stored with a completion, in the same transaction; dropped with any other outcome.
    package var followUps: [JobInsert]
    /// Whether the job may carry hooks or a batch (``FinalEffects``). True unless the caller
    /// knows the job's meta: a store then reads the row back when the outcome is final.
    package var mayHaveFinalEffects: Bool

    package init(_ attempt: JobAttempt, _ outcome: Outcome, followUps: [JobInsert] = [], mayHaveFinalEffects: Bool = true) {
        self.attempt = attempt
        self.outcome = outcome
        self.followUps = followUps
        self.mayHaveFinalEffects = mayHaveFinalEffects
    }

    /// Whether the job can run again at once (a release, or a retry or snooze already due).
    package func isDueNow(_ now: Date) -> Bool {
        switch outcome {
        case .release: true
        case .retry(let at, _): at <= now
        case .snooze(let until): until <= now
        case .completed, .discard, .cancel: false
        }
    }

    /// Completed without a result, follow-ups or effects: the most common outcome, which a
    /// store may write with a narrower statement than the others.
    package var isPlainCompletion: Bool {
        guard case .completed(nil) = outcome, followUps.isEmpty else { return false }
        return !mayHaveFinalEffects
    }

    /// The error the attempt ended with, if it failed, was discarded or cancelled.
    package var error: JobErrorEntry? {
        switch outcome {
        case .retry(_, let error), .discard(let error), .cancel(let error): error
        case .completed, .snooze, .release: nil
        }
    }

    /// The state the job is in once this is stored.
    package var resultingState: JobState {
        switch outcome {
        case .completed: .completed
        case .retry: .retryable
        case .discard: .discarded
        case .cancel: .cancelled
        case .snooze: .scheduled
        case .release: .available
        }
    }
}
