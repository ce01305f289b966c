package import Foundation

/// What storing an acknowledgement writes into the job's row. Both stores apply it as it is,
/// so the meaning of an outcome is decided here and nowhere else.
package struct AckChange: Equatable, Sendable {
    /// The state the row moves to.
    package var state: JobState
    /// When the job runs next (a retry, a snooze, a release); nil leaves the column as it is.
    package var scheduledAt: Date?
    /// When the job became final; nil for an outcome that runs again.
    package var finishedAt: Date?
    /// The entry appended to the job's errors, if the attempt failed.
    package var error: JobErrorEntry?
    /// The worker's result, stored in `meta.result`.
    package var result: RawJSON?
    /// Attempts given back, so the attempt just made is not counted (a snooze or a release).
    package var attemptsGivenBack: Int

    /// The change `ack` makes at `now`. A retry or snooze that is already due is stored as
    /// `available`, so it does not wait for the stager.
    package init(_ ack: JobAck, now: Date) {
        state = ack.resultingState
        scheduledAt = nil
        finishedAt = nil
        error = nil
        result = nil
        attemptsGivenBack = 0
        switch ack.outcome {
        case .completed(let value):
            finishedAt = now
            result = value
        case .retry(let at, let entry):
            scheduledAt = at
            error = entry
        case .discard(let entry), .cancel(let entry):
            finishedAt = now
            error = entry
        case .snooze(let until):
            scheduledAt = until
            attemptsGivenBack = 1
        case .release:
            scheduledAt = now
            attemptsGivenBack = 1
        }
        if ack.isDueNow(now), state == .retryable || state == .scheduled { state = .available }
    }
}
