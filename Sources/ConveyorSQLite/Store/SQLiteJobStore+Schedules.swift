package import Conveyor
package import Foundation

extension SQLiteJobStore: ScheduleStore {
    package func createSchedule(_ definition: ScheduleDefinition, active: Bool, nextRunAt: Date?, now: Date) throws -> Schedule {
        let query = SQLiteSQL.createSchedule(definition, active: active, nextRunAt: nextRunAt, now: now)
        guard let created = try storage("creating a schedule", { try connection.query(query, readSchedule).first }) else {
            throw ConveyorError(.conflict, field: "name", "a schedule named '\(definition.name)' already exists")
        }
        return created
    }

    package func updateSchedule(_ definition: ScheduleDefinition, nextRunAt: Date?, now: Date) throws -> Schedule {
        let query = SQLiteSQL.updateSchedule(definition, nextRunAt: nextRunAt, now: now)
        guard let updated = try storage("updating a schedule", { try connection.query(query, readSchedule).first }) else {
            throw ConveyorError.scheduleNotFound(definition.name)
        }
        return updated
    }

    package func schedule(named name: String) throws -> Schedule? {
        try storage("reading a schedule") { try connection.query(SQLiteSQL.schedule(named: name), readSchedule).first }
    }

    package func schedules(matching filter: ScheduleFilter) throws -> [Schedule] {
        try storage("listing schedules") { try connection.query(SQLiteSQL.schedules(matching: filter), readSchedule) }
    }

    package func deleteSchedule(named name: String) throws {
        guard try storage("deleting a schedule", { try connection.run(SQLiteSQL.deleteSchedule(named: name)) }) > 0 else {
            throw ConveyorError.scheduleNotFound(name)
        }
    }

    package func setScheduleActive(_ active: Bool, name: String, nextRunAt: Date?, reason: String?, now: Date) throws -> Schedule {
        let query = SQLiteSQL.setScheduleActive(active, name: name, nextRunAt: nextRunAt, reason: reason, now: now)
        guard let schedule = try storage("changing a schedule", { try connection.query(query, readSchedule).first }) else {
            throw ConveyorError.scheduleNotFound(name)
        }
        return schedule
    }

    package func dueSchedules(now: Date) throws -> [Schedule] {
        try storage("reading due schedules") { try connection.query(SQLiteSQL.dueSchedules(now: now), readSchedule) }
    }

    package func fireSchedule(_ fire: ScheduleFire, now: Date) throws -> ScheduleFireResult {
        let result = try storage("firing a schedule") {
            try connection.writeTransaction { () throws -> ScheduleFireResult in
                let locked = try connection.query(SQLiteSQL.lockSchedule(named: fire.name)) {
                    LockedSchedule(active: $0.int(0) != 0, nextRunAt: $0.optionalInt64(1).map(SQLiteCoding.date),
                                   lastJobState: $0.optionalText(2).flatMap(JobState.init(rawValue:)))
                }.first
                let decision = FireDecision(fire, locked: locked)
                switch decision.action {
                case .lost:
                    return decision.result()
                case .record(let status):
                    try connection.run(SQLiteSQL.recordFireWithoutJob(fire.name, status: status, nextRunAt: decision.nextRunAt, now: now))
                    return decision.result()
                case .insert(let job):
                    let inserted = try connection.insertJobs([job], now: now)[0].job
                    try connection.run(SQLiteSQL.recordFire(fire.name, fireAt: fire.fireAt, jobID: inserted.id, nextRunAt: decision.nextRunAt, now: now))
                    return decision.result(inserted: inserted)
                }
            }
        }
        if case .fired(let job) = result, job.state == .available { signalAvailable([job.queue]) }
        return result
    }

    private func readSchedule(_ row: SQLiteStatement) throws -> Schedule {
        let definition = try StoreCoding.decoder.decode(ScheduleDefinition.self, from: Data(row.text(1).utf8))
        let date = { (column: Int32) in row.optionalInt64(column).map(SQLiteCoding.date) }
        return Schedule(
            definition: definition, active: row.int(2) != 0, disabledReason: row.optionalText(3), nextRunAt: date(4), lastRunAt: date(5),
            lastStatus: row.optionalText(6).flatMap(ScheduleRunStatus.init(rawValue:)), lastJobID: row.optionalInt64(7),
            consecutiveFailures: row.int(8), lastError: row.optionalText(9), lastErrorAt: date(10), skippedRuns: row.int(11),
            createdAt: SQLiteCoding.date(row.int64(12)), updatedAt: SQLiteCoding.date(row.int64(13)))
    }
}

extension SQLiteConnection {
    /// Applies `run`'s end to its schedule's run record, in the current transaction.
    func record(_ run: ScheduleRunEnded, now: Date) throws {
        let record = try query(SQLiteSQL.runRecord(ofSchedule: run.schedule)) { row in
            ScheduleRunRecord(
                active: row.int(0) != 0, nextRunAt: row.optionalInt64(1).map(SQLiteCoding.date), disabledReason: row.optionalText(2),
                lastJobID: row.optionalInt64(3), lastStatus: row.optionalText(4).flatMap(ScheduleRunStatus.init(rawValue:)),
                consecutiveFailures: row.int(5), maxFailures: row.optionalInt64(6).map(Int.init), lastError: row.optionalText(7),
                lastErrorAt: row.optionalInt64(8).map(SQLiteCoding.date))
        }.first
        guard let record else { return }
        try self.run(SQLiteSQL.writeRunRecord(run.applied(to: record, at: now), ofSchedule: run.schedule, now: now))
    }
}
