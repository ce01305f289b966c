import Conveyor
import Foundation

extension SQLiteJobStore {
    /// The parameters of ``SQLiteSQL/acknowledge`` for one outcome: state, scheduled_at,
    /// finished_at, error entry, result, extra attempts, then the fence (id, attempt, node).
    static func values(for ack: JobAck, now: Date) -> [SQLiteValue] {
        let nowMicros = SQLiteCoding.micros(now)
        var state = ack.resultingState
        var scheduledAt: Int64?
        var finishedAt: Int64?
        var error: JobErrorEntry?
        var result: RawJSON?
        var extraAttempts: Int64 = 0
        switch ack.outcome {
        case .completed(let value):
            finishedAt = nowMicros
            result = value
        case .retry(let at, let entry):
            scheduledAt = SQLiteCoding.micros(at)
            error = entry
        case .discard(let entry), .cancel(let entry):
            finishedAt = nowMicros
            error = entry
        case .snooze(let until):
            scheduledAt = SQLiteCoding.micros(until)
            extraAttempts = 1
        case .release:
            scheduledAt = nowMicros
            extraAttempts = 1
        }
        // A retry or snooze that is already due skips the stager.
        if let scheduledAt, scheduledAt <= nowMicros, state == .retryable || state == .scheduled { state = .available }
        return [
            .text(state.rawValue), scheduledAt.map { .integer($0) } ?? .null, finishedAt.map { .integer($0) } ?? .null,
            error.map { .text(StoreCoding.json($0)) } ?? .null, result.map { .text($0.text) } ?? .null, .integer(extraAttempts),
            .integer(ack.attempt.jobID), .integer(Int64(ack.attempt.attempt)), .text(ack.attempt.node),
        ]
    }
}
