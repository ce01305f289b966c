import Conveyor
import Foundation

/// Row mapping and the inserts both the store and transactional enqueue use.
extension SQLiteConnection {
    func readJob(_ row: SQLiteStatement) throws -> Job {
        let state = try JobState(parsing: row.text(3))
        let errorsText = row.text(10)
        let tagsText = row.text(7)
        return Job(
            id: row.int64(0), kind: row.text(1), queue: row.text(2), state: state, priority: row.int(4),
            args: RawJSON(trusted: row.text(5)), meta: RawJSON(trusted: row.text(6)),
            tags: tagsText == "[]" ? [] : try StoreCoding.decoder.decode([String].self, from: Data(tagsText.utf8)),
            attempt: row.int(8), maxAttempts: row.int(9),
            errors: errorsText == "[]" ? [] : try StoreCoding.decoder.decode([JobErrorEntry].self, from: Data(errorsText.utf8)),
            insertedAt: SQLiteCoding.date(row.int64(11)), scheduledAt: SQLiteCoding.date(row.int64(12)),
            attemptedAt: row.optionalInt64(13).map(SQLiteCoding.date), finishedAt: row.optionalInt64(14).map(SQLiteCoding.date),
            attemptedBy: row.optionalText(15), uniqueKey: row.optionalText(16))
    }

    func job(id: Int64) throws -> Job? {
        try query(SQLiteSQL.job(id: id), readJob).first
    }

    /// Inserts in the current transaction; the caller begins and commits it.
    func insertJobs(_ jobs: [JobInsert], now: Date) throws -> [InsertResult] {
        var results: [InsertResult] = []
        results.reserveCapacity(jobs.count)
        let nowMicros = SQLiteCoding.micros(now)
        for job in jobs {
            let scheduledAt = job.scheduledAt.map(SQLiteCoding.micros) ?? nowMicros
            let state: JobState = scheduledAt > nowMicros ? .scheduled : .available
            let uniqueness = job.uniqueness(now: now)
            let values: [SQLiteValue] = [
                .text(job.kind), .text(job.queue), .text(state.rawValue), .integer(Int64(job.priority)),
                .text(job.args.text), .text(job.meta.text), .text(job.tags.isEmpty ? "[]" : StoreCoding.json(job.tags)),
                .integer(Int64(job.maxAttempts)), .integer(nowMicros), .integer(scheduledAt),
                uniqueness.map { .text($0.key) } ?? .null, uniqueness.map { .text($0.states) } ?? .null,
            ]
            if let inserted = try query(SQLiteSQL.insertJob, values, readJob).first {
                results.append(InsertResult(job: inserted, isDuplicate: false))
            } else if let uniqueness, let existing = try query(SQLiteSQL.findUnique, [.text(uniqueness.key)], readJob).first {
                results.append(InsertResult(job: existing, isDuplicate: true))
            } else {
                throw SQLiteError(code: 19, message: "insert of a \(job.kind) job conflicted with a constraint")
            }
        }
        return results
    }
}

/// How SQLite stores times: integer microseconds since 1970 (JSON goes through `StoreCoding`).
enum SQLiteCoding {
    static let epoch = Date(timeIntervalSince1970: 0)
    static func micros(_ date: Date) -> Int64 { InstantRange.microseconds(date, since: epoch) }
    static func date(_ micros: Int64) -> Date { Date(timeIntervalSince1970: Double(micros) / 1_000_000) }
}
