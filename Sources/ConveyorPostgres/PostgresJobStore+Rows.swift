import Conveyor
import Foundation
import Logging
import PostgresNIO

extension PostgresJobStore {
    /// Jobs from rows of ``PostgresSQL/jobColumns``, read cell by cell: postgres-nio's decode of
    /// a 17-element tuple looks up generic metadata at run time for every row, which made it
    /// the costliest part of a claim.
    static func readJobs(_ rows: [PostgresRow]) throws -> [Job] {
        var jobs: [Job] = []
        jobs.reserveCapacity(rows.count)
        for row in rows {
            var cells = CellReader(row)
            let id = try cells.next(Int64.self), kind = try cells.next(String.self), queue = try cells.next(String.self)
            let state = try JobState(parsing: cells.next(String.self)), priority = try cells.next(Int16.self)
            let args = try cells.next(String.self), meta = try cells.next(String.self), tags = try cells.next([String].self)
            let attempt = try cells.next(Int32.self), maxAttempts = try cells.next(Int32.self), errors = try cells.next(String.self)
            let insertedAt = try cells.next(Date.self), scheduledAt = try cells.next(Date.self)
            let attemptedAt = try cells.next(Date?.self), finishedAt = try cells.next(Date?.self)
            let attemptedBy = try cells.next(String?.self), uniqueKey = try cells.next(String?.self)
            jobs.append(Job(
                id: id, kind: kind, queue: queue, state: state, priority: Int(priority),
                args: RawJSON(trusted: args), meta: RawJSON(trusted: meta), tags: tags, attempt: Int(attempt),
                maxAttempts: Int(maxAttempts),
                errors: errors == "[]" ? [] : try StoreCoding.decoder.decode([JobErrorEntry].self, from: Data(errors.utf8)),
                insertedAt: insertedAt, scheduledAt: scheduledAt, attemptedAt: attemptedAt, finishedAt: finishedAt,
                attemptedBy: attemptedBy, uniqueKey: uniqueKey))
        }
        return jobs
    }

    /// The parameters of both claim statements.
    static func claimBindings(now: Date, node: String, queue: String, limit: Int) -> PostgresBindings {
        var binds = PostgresBindings(capacity: 4)
        binds.append(now)
        binds.append(node)
        binds.append(queue)
        binds.append(Int64(limit))
        return binds
    }

    /// Jobs without uniqueness: one statement, one round trip, whatever the count. Only the
    /// ids come back: the rest of each job is what was sent (decoding every column of every
    /// row cost more than the insert itself).
    static func insertBulk(_ jobs: [JobInsert], now: Date, sql: PostgresSQL, on connection: PostgresConnection, logger: Logger) async throws -> [InsertResult] {
        let (plan, binds) = insertBindings(jobs, now: now, sql: sql)
        let rows = try await connection.query(InsertStatement.unnamed(sql, binds), logger: logger).collect()
        return try inserted(jobs, plan, rows)
    }

    /// The values of ``PostgresSQL/insertBulk``: one array per column, the queues to wake and
    /// the channel that wakes them.
    static func insertBindings(_ jobs: [JobInsert], now: Date, sql: PostgresSQL) -> (InsertPlan, PostgresBindings) {
        let plan = InsertPlan(jobs, now: now)
        var binds = plan.columnBindings(capacity: 12)
        binds.append(plan.queuesToWake)
        binds.append(sql.channel)
        return (plan, binds)
    }

    /// The jobs as ``PostgresSQL/insertBulk`` stored them.
    static func inserted(_ jobs: [JobInsert], _ plan: InsertPlan, _ rows: [PostgresRow]) throws -> [InsertResult] {
        // Ids are drawn in the order rows are inserted, which is the order they were sent.
        let ids = try rows.first?.decode(([Int64]?, Int64).self).0 ?? []
        guard ids.count == jobs.count else {
            throw ConveyorError(.storage, "inserted \(ids.count) of \(jobs.count) jobs")
        }
        return jobs.indices.map { plan.inserted($0, id: ids[$0]) }
    }

    /// A date as the store binds it (``StoredTimestamp``) and postgres-nio reads it back, so
    /// a job built here equals the same job read later.
    static func storedDate(_ date: Date) -> Date {
        let start = StoredTimestamp.start
        return Date(timeInterval: Double(StoredTimestamp(date).microseconds) / 1_000_000, since: start)
    }

    /// `{"a","b"}`: a text[] literal, cheaper for the server than unpacking JSON per row.
    static func arrayLiteral(_ values: [String]) -> String {
        guard !values.isEmpty else { return "{}" }
        let quoted = values.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
        return "{" + quoted.joined(separator: ",") + "}"
    }

    /// Jobs of which some are unique: one statement inserts every job whose key is free, a
    /// second reads the jobs holding the others' keys. A job whose holder left its unique
    /// states in between is tried again on its own. Run it in a transaction, so the batch is
    /// stored whole or not at all.
    static func insertMayBeUnique(_ jobs: [JobInsert], now: Date, sql: PostgresSQL, on connection: PostgresConnection, logger: Logger) async throws -> [InsertResult] {
        if jobs.count == 1 { return [try await insertOne(jobs[0], now: now, sql: sql, on: connection, logger: logger)] }
        let plan = InsertPlan(jobs, now: now)
        let uniqueness = jobs.map { $0.uniqueness(now: plan.now) }
        var binds = plan.columnBindings(capacity: 12)
        binds.append(uniqueness.map { $0?.key ?? "" })
        binds.append(uniqueness.map { $0.map { "{" + $0.states.split(separator: ",").joined(separator: ",") + "}" } ?? "" })
        let row = try await connection.query(PostgresQuery(unsafeSQL: sql.insertMayBeUnique, binds: binds), logger: logger).collect().first
        answerArrived()
        guard let (drawn, insertedIDs, _) = try row?.decode(([Int64], [Int64]?, Int64).self), drawn.count == jobs.count else {
            throw ConveyorError(.storage, "the insert of \(jobs.count) jobs did not say which were stored")
        }
        let inserted = Set(insertedIDs ?? [])

        let skippedKeys = jobs.indices.filter { !inserted.contains(drawn[$0]) }.compactMap { uniqueness[$0]?.key }
        var holders: [String: Job] = [:]
        if !skippedKeys.isEmpty {
            for job in try readJobs(await connection.query(sql.findUniques(Array(Set(skippedKeys))), logger: logger).collect()) {
                if let key = job.uniqueKey { holders[key] = job }
            }
            answerArrived()
        }

        var results: [InsertResult] = []
        results.reserveCapacity(jobs.count)
        for index in jobs.indices {
            if inserted.contains(drawn[index]) {
                results.append(plan.inserted(index, id: drawn[index], uniqueKey: uniqueness[index]?.key))
            } else if let key = uniqueness[index]?.key, let holder = holders[key] {
                results.append(InsertResult(job: holder, isDuplicate: true))
            } else {
                results.append(try await insertOne(jobs[index], now: plan.now, sql: sql, on: connection, logger: logger))
                answerArrived()
            }
        }
        return results
    }

    /// A job that may be unique, in one statement with its wake-up: one round trip, and no
    /// transaction needed. A duplicate answers with the job that holds the key, read by a
    /// second statement; if that job left its unique states in between, the insert is tried again.
    static func insertOne(_ job: JobInsert, now: Date, sql: PostgresSQL, on connection: PostgresConnection, logger: Logger) async throws -> InsertResult {
        let uniqueness = job.uniqueness(now: now)
        let insert = sql.insertUnique(job, uniqueness: uniqueness, now: now)
        for _ in 0..<3 {
            if let inserted = try readJobs(await connection.query(insert, logger: logger).collect()).first {
                return InsertResult(job: inserted, isDuplicate: false)
            }
            if let existing = try readJobs(await connection.query(sql.findUnique(uniqueness?.key), logger: logger).collect()).first {
                return InsertResult(job: existing, isDuplicate: true)
            }
        }
        throw ConveyorError(.conflict, "a \(job.kind) job's unique key stayed taken, but no job holding it could be read; try again")
    }

    /// The parameters of ``PostgresSQL/complete``.
    static func completeBindings(_ acks: [JobAck], now: Date) -> PostgresBindings {
        var binds = PostgresBindings(capacity: 4)
        binds.append(now)
        binds.append(acks.map(\.attempt.jobID))
        binds.append(acks.map { Int32($0.attempt.attempt) })
        binds.append(acks.map(\.attempt.node))
        return binds
    }

    /// The arrays of ``PostgresSQL/acknowledge``; "" and the epoch stand for NULL.
    static func acknowledgeBindings(_ acks: [JobAck], now: Date) -> PostgresBindings {
        let epoch = Date(timeIntervalSince1970: 0)
        var states: [String] = [], scheduled: [Date] = [], finished: [Date] = [], errors: [String] = [], results: [String] = []
        var extras: [Int32] = [], ids: [Int64] = [], attempts: [Int32] = [], nodes: [String] = []
        for ack in acks {
            let change = AckChange(ack, now: now)
            states.append(change.state.rawValue)
            scheduled.append(change.scheduledAt ?? epoch)
            finished.append(change.finishedAt ?? epoch)
            errors.append(change.error.map(StoreCoding.json) ?? "")
            results.append(change.result?.text ?? "")
            extras.append(Int32(change.attemptsGivenBack))
            ids.append(ack.attempt.jobID)
            attempts.append(Int32(ack.attempt.attempt))
            nodes.append(ack.attempt.node)
        }
        var binds = PostgresBindings(capacity: 9)
        binds.append(states)
        binds.append(scheduled)
        binds.append(finished)
        binds.append(errors)
        binds.append(results)
        binds.append(extras)
        binds.append(ids)
        binds.append(attempts)
        binds.append(nodes)
        return binds
    }
}

