public import Conveyor
public import ExampleKit
public import Foundation

/// `AutomationScheduleService` and `SchedulerIntegrationService`: the seed's schedules, each a
/// Conveyor schedule named `automation-ID` whose job is the schedule's `job_type`, firing by its
/// six kinds of timing, deactivated after 5 failed runs in a row. The user's fields live in
/// `automation_schedules`; the run state (active, last and next run, failures) is Conveyor's.
public struct AutomationSchedules: Sendable {
    let conveyor: Conveyor
    let db: any AppDatabase

    public init(conveyor: Conveyor, db: any AppDatabase) {
        self.conveyor = conveyor
        self.db = db
    }

    static let jobTypes = [ClientMonitoringJob.kind, SearchOnlyJob.kind, NotificationDigestJob.kind]

    /// A schedule as the seed's API reads and writes it.
    public struct Input: Decodable, Sendable {
        var business_id: String?
        var created_by_user_id: Int?
        var name: String?
        var description: String?
        var job_type: String?
        var client_ids: [String]?
        var config: JSONValue?
        var schedule_type: String?
        var cron_expression: String?
        var hour_of_day: Int?
        var minute_of_hour: Int?
        var day_of_week: Int?
        var day_of_month: Int?
        var is_active: Bool?
    }

    /// `create_schedule`.
    public func create(_ input: Input, now: Date) async throws -> [String: JSONValue] {
        let id = UUID().uuidString.lowercased()
        let row = try Self.row(id: id, from: input, over: nil)
        let definition = try row.definition()
        try await row.save(in: db, now: now, inserting: true)
        do {
            _ = try await conveyor.addSchedule(definition, active: input.is_active ?? true)
        } catch {
            try await db.execute("DELETE FROM \(db.table("automation_schedules")) WHERE id = ?", [.text(id)])
            throw error
        }
        return try await read(id)
    }

    /// `update_schedule`: the fields given change, the rest stay.
    public func update(_ id: String, _ input: Input, now: Date) async throws -> [String: JSONValue] {
        let row = try Self.row(id: id, from: input, over: try await stored(id))
        let definition = try row.definition()
        try await row.save(in: db, now: now, inserting: false)
        _ = try await conveyor.updateSchedule(definition)
        if let active = input.is_active { try await setActive(id, active) }
        return try await read(id)
    }

    public func delete(_ id: String) async throws {
        _ = try await stored(id)
        try await conveyor.deleteSchedule(named: Self.name(id))
        try await db.execute("DELETE FROM \(db.table("automation_schedules")) WHERE id = ?", [.text(id)])
    }

    public func setActive(_ id: String, _ active: Bool) async throws {
        _ = try await stored(id)
        if active { _ = try await conveyor.activateSchedule(named: Self.name(id)) } else { _ = try await conveyor.deactivateSchedule(named: Self.name(id)) }
    }

    /// `trigger_manual_run`: the job runs now, whatever the timing; answers its id.
    public func trigger(_ id: String) async throws -> Int64 {
        _ = try await stored(id)
        return try await conveyor.triggerSchedule(named: Self.name(id)).id
    }

    /// `get_schedules`: newest first, with the seed's filters and paging.
    public func list(skip: Int, limit: Int, isActive: Bool?, jobType: String?) async throws -> (schedules: [[String: JSONValue]], total: Int) {
        var all: [[String: JSONValue]] = []
        for row in try await db.query("SELECT id FROM \(db.table("automation_schedules")) ORDER BY created_at DESC, id") {
            let schedule = try await read(row["id"].text ?? "")
            if let isActive, schedule["is_active"] != .bool(isActive) { continue }
            if let jobType, schedule["job_type"] != .string(jobType) { continue }
            all.append(schedule)
        }
        return (Array(all.dropFirst(skip).prefix(limit)), all.count)
    }

    /// One schedule: its row and Conveyor's run state.
    public func read(_ id: String) async throws -> [String: JSONValue] {
        var answer = try await stored(id).json
        let schedule = try await conveyor.schedule(named: Self.name(id))
        let time = { (date: Date?) in date.map { JSONValue.string($0.formatted(.iso8601)) } ?? .null }
        answer["is_active"] = .bool(schedule.active)
        answer["next_run_at"] = schedule.active ? time(schedule.nextRunAt) : .null
        answer["last_run_at"] = time(schedule.lastRunAt)
        answer["last_run_status"] = schedule.lastStatus.map { .string($0 == .completed ? "success" : "failed") } ?? .null
        answer["last_run_job_id"] = schedule.lastJobID.map { .number(Double($0)) } ?? .null
        answer["consecutive_failures"] = .number(Double(schedule.consecutiveFailures))
        answer["last_error_message"] = schedule.lastError.map(JSONValue.string) ?? .null
        answer["last_error_at"] = time(schedule.lastErrorAt)
        answer["disabled_reason"] = schedule.disabledReason.map(JSONValue.string) ?? .null
        return answer
    }

    /// `get_scheduler_status`.
    public func status() async throws -> [String: JSONValue] {
        var jobs: [JSONValue] = []
        for schedule in try await list(skip: 0, limit: 10_000, isActive: true, jobType: nil).schedules {
            jobs.append(.object(["id": schedule["id"] ?? .null, "name": schedule["name"] ?? .null, "next_run": schedule["next_run_at"] ?? .null]))
        }
        return ["running": .bool(true), "total_jobs": .number(Double(jobs.count)), "jobs": .array(jobs)]
    }

    static func name(_ id: String) -> String { "automation-\(id)" }

    private func stored(_ id: String) async throws -> ScheduleRow {
        guard let row = try await db.first("SELECT * FROM \(db.table("automation_schedules")) WHERE id = ?", [.text(id)]) else {
            throw MonitoringError.notFound("schedule \(id)")
        }
        return try ScheduleRow(row)
    }

    /// The row `input` makes over `old` (nil: a new one), every field checked.
    static func row(id: String, from input: Input, over old: ScheduleRow?) throws -> ScheduleRow {
        func required<T>(_ value: T?, _ field: String) throws -> T {
            guard let value else { throw MonitoringError.invalid(field, "is required") }
            return value
        }
        var row: ScheduleRow
        if let old {
            row = old
        } else {
            row = ScheduleRow(id: id, business_id: try required(input.business_id, "business_id"),
                              created_by_user_id: try required(input.created_by_user_id, "created_by_user_id"),
                              name: try required(input.name, "name"), job_type: try required(input.job_type, "job_type"),
                              schedule_type: try required(input.schedule_type, "schedule_type"))
        }
        if let value = input.name { row.name = value }
        if let value = input.description { row.description = value }
        if let value = input.job_type { row.job_type = value }
        if let value = input.schedule_type { row.schedule_type = value }
        if input.client_ids != nil { row.client_ids = input.client_ids }
        if let value = input.config { row.config = value }
        if let value = input.cron_expression { row.cron_expression = value }
        if let value = input.hour_of_day { row.hour_of_day = value }
        if let value = input.minute_of_hour { row.minute_of_hour = value }
        if let value = input.day_of_week { row.day_of_week = value }
        if let value = input.day_of_month { row.day_of_month = value }
        guard !row.name.trimmingCharacters(in: .whitespaces).isEmpty, row.name.count <= 200 else { throw MonitoringError.invalid("name", "must be 1 to 200 characters") }
        guard jobTypes.contains(row.job_type) else { throw MonitoringError.invalid("job_type", "must be one of \(jobTypes.joined(separator: ", ")), got '\(row.job_type)'") }
        return row
    }
}
