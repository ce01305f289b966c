package import Conveyor
package import Foundation
import PostgresNIO

extension PostgresJobStore: ScheduleStore {
    package func createSchedule(_ definition: ScheduleDefinition, active: Bool, nextRunAt: Date?, now: Date) async throws -> Schedule {
        var binds = PostgresBindings()
        binds.append(definition.name)
        binds.append(StoreCoding.json(definition))
        binds.append(definition.maxConsecutiveFailures.map { Int32(clamping: $0) })
        binds.append(active)
        binds.append(nextRunAt)
        binds.append(now)
        guard let created = try await storage("creating a schedule", { [self, binds] in try await schedules(sql.createSchedule, binds).first }) else {
            throw ConveyorError(.conflict, field: "name", "a schedule named '\(definition.name)' already exists")
        }
        return created
    }

    package func updateSchedule(_ definition: ScheduleDefinition, nextRunAt: Date?, now: Date) async throws -> Schedule {
        var binds = PostgresBindings()
        binds.append(definition.name)
        binds.append(StoreCoding.json(definition))
        binds.append(definition.maxConsecutiveFailures.map { Int32(clamping: $0) })
        binds.append(nextRunAt)
        binds.append(now)
        guard let updated = try await storage("updating a schedule", { [self, binds] in try await schedules(sql.updateSchedule, binds).first }) else {
            throw ConveyorError.scheduleNotFound(definition.name)
        }
        return updated
    }

    package func schedule(named name: String) async throws -> Schedule? {
        var binds = PostgresBindings()
        binds.append(name)
        return try await storage("reading a schedule") { [self, binds] in try await schedules(sql.scheduleByName, binds).first }
    }

    package func schedules() async throws -> [Schedule] {
        try await storage("listing schedules") { [self] in try await schedules(sql.allSchedules, PostgresBindings()) }
    }

    package func deleteSchedule(named name: String) async throws {
        var binds = PostgresBindings()
        binds.append(name)
        guard try await storage("deleting a schedule", { [self, binds] in try await rows(sql.deleteSchedule, binds).count }) > 0 else {
            throw ConveyorError.scheduleNotFound(name)
        }
    }

    package func setScheduleActive(_ active: Bool, name: String, nextRunAt: Date?, reason: String?, now: Date) async throws -> Schedule {
        var binds = PostgresBindings()
        binds.append(name)
        binds.append(active)
        binds.append(nextRunAt)
        binds.append(reason)
        binds.append(now)
        guard let schedule = try await storage("changing a schedule", { [self, binds] in try await schedules(sql.setScheduleActive, binds).first }) else {
            throw ConveyorError.scheduleNotFound(name)
        }
        return schedule
    }

    package func dueSchedules(now: Date) async throws -> [Schedule] {
        var binds = PostgresBindings()
        binds.append(now)
        return try await storage("reading due schedules") { [self, binds] in try await schedules(sql.dueSchedules, binds) }
    }

    package func fireSchedule(_ fire: ScheduleFire, now: Date) async throws -> ScheduleFireResult {
        try await storage("firing a schedule") { [self] in
            try await withTransaction { connection in
                var lock = PostgresBindings()
                lock.append(fire.name)
                let row = try await connection.query(PostgresQuery(unsafeSQL: sql.lockSchedule, binds: lock), logger: logger).collect().first
                let locked = try row.map { row in
                    let (active, next, lastJobState) = try row.decode((Bool, Date?, String?).self)
                    return LockedSchedule(active: active, nextRunAt: next, lastJobState: lastJobState.flatMap(JobState.init(rawValue:)))
                }
                let decision = FireDecision(fire, locked: locked)
                switch decision.action {
                case .lost:
                    return decision.result()
                case .record(let status):
                    var binds = PostgresBindings()
                    binds.append(fire.name)
                    binds.append(decision.nextRunAt)
                    binds.append(status.rawValue)
                    binds.append(now)
                    try await connection.query(PostgresQuery(unsafeSQL: sql.skipScheduleFire, binds: binds), logger: logger)
                    return decision.result()
                case .insert(let job):
                    let inserted = try await Self.insertOne(job, now: now, sql: sql, on: connection, logger: logger).job
                    var binds = PostgresBindings()
                    binds.append(fire.name)
                    binds.append(decision.nextRunAt)
                    binds.append(fire.fireAt)
                    binds.append(inserted.id)
                    binds.append(now)
                    try await connection.query(PostgresQuery(unsafeSQL: sql.recordScheduleFire, binds: binds), logger: logger)
                    return decision.result(inserted: inserted)
                }
            }
        }
    }

    package func recordScheduleRun(name: String, jobID: Int64, status: ScheduleRunStatus, error: String?, now: Date) async throws {
        var binds = PostgresBindings()
        binds.append(name)
        binds.append(jobID)
        binds.append(status.rawValue)
        binds.append(error)
        binds.append(now)
        try await storage("recording a schedule's run") { [self, binds] in
            try await withTransaction { connection in
                try await connection.query(PostgresQuery(unsafeSQL: sql.recordScheduleRun, binds: binds), logger: logger)
                var disable = PostgresBindings()
                disable.append(name)
                try await connection.query(PostgresQuery(unsafeSQL: sql.disableFailingSchedule, binds: disable), logger: logger)
            }
        }
    }

    private typealias ScheduleRow = (String, String, Bool, String?, Date?, Date?, String?, Int64?, Int32, String?, Date?, Int32, Date, Date)

    private func schedules(_ text: String, _ binds: PostgresBindings) async throws -> [Schedule] {
        try await rows(text, binds).map { row in
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
