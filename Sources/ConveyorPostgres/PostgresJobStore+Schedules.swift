package import Conveyor
package import Foundation
import PostgresNIO

extension PostgresJobStore: ScheduleStore {
    package func createSchedule(_ definition: ScheduleDefinition, active: Bool, nextRunAt: Date?, now: Date) async throws -> Schedule {
        let query = sql.createSchedule(definition, active: active, nextRunAt: nextRunAt, now: now)
        guard let created = try await storage("creating a schedule", { [self] in try await schedules(query).first }) else {
            throw ConveyorError(.conflict, field: "name", "a schedule named '\(definition.name)' already exists")
        }
        return created
    }

    package func updateSchedule(_ definition: ScheduleDefinition, nextRunAt: Date?, now: Date) async throws -> Schedule {
        let query = sql.updateSchedule(definition, nextRunAt: nextRunAt, now: now)
        guard let updated = try await storage("updating a schedule", { [self] in try await schedules(query).first }) else {
            throw ConveyorError.scheduleNotFound(definition.name)
        }
        return updated
    }

    package func schedule(named name: String) async throws -> Schedule? {
        try await storage("reading a schedule") { [self] in try await schedules(sql.schedule(named: name)).first }
    }

    package func schedules(matching filter: ScheduleFilter) async throws -> [Schedule] {
        try await storage("listing schedules") { [self] in try await schedules(sql.schedules(matching: filter)) }
    }

    package func deleteSchedule(named name: String) async throws {
        guard try await storage("deleting a schedule", { [self] in try await rows(sql.deleteSchedule(named: name)).count }) > 0 else {
            throw ConveyorError.scheduleNotFound(name)
        }
    }

    package func setScheduleActive(_ active: Bool, name: String, nextRunAt: Date?, reason: String?, now: Date) async throws -> Schedule {
        let query = sql.setScheduleActive(active, name: name, nextRunAt: nextRunAt, reason: reason, now: now)
        guard let schedule = try await storage("changing a schedule", { [self] in try await schedules(query).first }) else {
            throw ConveyorError.scheduleNotFound(name)
        }
        return schedule
    }

    package func dueSchedules(now: Date) async throws -> [Schedule] {
        try await storage("reading due schedules") { [self] in try await schedules(sql.dueSchedules(now: now)) }
    }

    package func fireSchedule(_ fire: ScheduleFire, now: Date) async throws -> ScheduleFireResult {
        try await storage("firing a schedule") { [self] in
            try await withTransaction { connection in
                let row = try await connection.query(sql.lockSchedule(named: fire.name), logger: logger).collect().first
                let locked = try row.map { row in
                    let (active, next, lastJobState) = try row.decode((Bool, Date?, String?).self)
                    return LockedSchedule(active: active, nextRunAt: next, lastJobState: lastJobState.flatMap(JobState.init(rawValue:)))
                }
                let decision = FireDecision(fire, locked: locked)
                switch decision.action {
                case .lost:
                    return decision.result()
                case .record(let status):
                    let query = sql.recordFireWithoutJob(fire.name, status: status, nextRunAt: decision.nextRunAt, now: now)
                    try await connection.query(query, logger: logger)
                    return decision.result()
                case .insert(let job):
                    let inserted = try await Self.insertOne(job, now: now, sql: sql, on: connection, logger: logger).job
                    let query = sql.recordFire(fire.name, fireAt: fire.fireAt, jobID: inserted.id, nextRunAt: decision.nextRunAt, now: now)
                    try await connection.query(query, logger: logger)
                    return decision.result(inserted: inserted)
                }
            }
        }
    }

    private typealias ScheduleRow = (String, String, Bool, String?, Date?, Date?, String?, Int64?, Int32, String?, Date?, Int32, Date, Date)

    private func schedules(_ query: PostgresQuery) async throws -> [Schedule] {
        try await rows(query).map { row in
            let (_, definition, active, disabledReason, nextRunAt, lastRunAt, lastStatus, lastJobID, failures, lastError, lastErrorAt,
                 skipped, createdAt, updatedAt) = try row.decode(ScheduleRow.self)
            return Schedule(
                definition: try StoreCoding.decoder.decode(ScheduleDefinition.self, from: Data(definition.utf8)), active: active,
                disabledReason: disabledReason, nextRunAt: nextRunAt, lastRunAt: lastRunAt, lastStatus: lastStatus.flatMap(ScheduleRunStatus.init(rawValue:)),
                lastJobID: lastJobID, consecutiveFailures: Int(failures), lastError: lastError, lastErrorAt: lastErrorAt, skippedRuns: Int(skipped),
                createdAt: createdAt, updatedAt: updatedAt)
        }
    }
}

extension PostgresJobStore {
    /// Applies `run`'s end to its schedule's run record (read locked), in the caller's transaction.
    static func record(_ run: ScheduleRunEnded, now: Date, sql: PostgresSQL, on connection: PostgresConnection, logger: Logger) async throws {
        guard let row = try await connection.query(sql.runRecord(ofSchedule: run.schedule), logger: logger).collect().first else { return }
        answerArrived()
        let (active, nextRunAt, disabledReason, lastJobID, lastStatus, failures, maxFailures, lastError, lastErrorAt) =
            try row.decode((Bool, Date?, String?, Int64?, String?, Int32, Int32?, String?, Date?).self)
        let record = ScheduleRunRecord(
            active: active, nextRunAt: nextRunAt, disabledReason: disabledReason, lastJobID: lastJobID,
            lastStatus: lastStatus.flatMap(ScheduleRunStatus.init(rawValue:)), consecutiveFailures: Int(failures),
            maxFailures: maxFailures.map(Int.init), lastError: lastError, lastErrorAt: lastErrorAt)
        try await connection.query(sql.writeRunRecord(run.applied(to: record, at: now), ofSchedule: run.schedule, now: now), logger: logger)
        answerArrived()
    }
}
