import Conveyor
import Foundation

extension SQLiteJobStore {
    /// The parameters of ``SQLiteSQL/acknowledge`` for one outcome: state, scheduled_at,
    /// finished_at, error entry, result, attempts given back, then the fence (id, attempt, node).
    static func values(for ack: JobAck, now: Date) -> [SQLiteValue] {
        let change = AckChange(ack, now: now)
        return [
            .text(change.state.rawValue), change.scheduledAt.map { .integer(SQLiteCoding.micros($0)) } ?? .null,
            change.finishedAt.map { .integer(SQLiteCoding.micros($0)) } ?? .null,
            change.error.map { .text(StoreCoding.json($0)) } ?? .null, change.result.map { .text($0.text) } ?? .null,
            .integer(Int64(change.attemptsGivenBack)),
            .integer(ack.attempt.jobID), .integer(Int64(ack.attempt.attempt)), .text(ack.attempt.node),
        ]
    }
}
