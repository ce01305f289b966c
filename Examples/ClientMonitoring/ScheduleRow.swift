import Conveyor
import ExampleKit
import Foundation

/// A row of `automation_schedules`: what a user set.
struct ScheduleRow: Sendable {
    let id: String
    let business_id: String
    let created_by_user_id: Int
    var name: String
    var description = ""
    var job_type: String
    var client_ids: [String]?
    var config: JSONValue?
    var schedule_type: String
    var cron_expression: String?
    var hour_of_day: Int?
    var minute_of_hour: Int?
    var day_of_week: Int?
    var day_of_month: Int?
    var created_at = Date()
    var updated_at = Date()

    init(id: String, business_id: String, created_by_user_id: Int, name: String, job_type: String, schedule_type: String) {
        self.id = id
        self.business_id = business_id
        self.created_by_user_id = created_by_user_id
        self.name = name
        self.job_type = job_type
        self.schedule_type = schedule_type
    }

    /// The seed sends `config` as an object or as a JSON string of one.
    var configObject: JSONValue? {
        guard case .string(let text)? = config else { return config }
        return try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    /// The seed's six schedule types as Conveyor recurrences; `day_of_week` counts from
    /// Monday (0) as the seed does, cron from Sunday.
    func recurrence() throws -> Recurrence {
        func required(_ value: Int?, _ field: String, _ range: ClosedRange<Int>) throws -> Int {
            guard let value else { throw MonitoringError.invalid(field, "is required for a \(schedule_type) schedule") }
            guard range.contains(value) else { throw MonitoringError.invalid(field, "must be between \(range.lowerBound) and \(range.upperBound), got \(value)") }
            return value
        }
        switch schedule_type {
        case "manual": return .manual
        case "hourly": return .hourly(minute: try required(minute_of_hour ?? 0, "minute_of_hour", 0...59))
        case "daily": return .daily(hour: try required(hour_of_day, "hour_of_day", 0...23), minute: try required(minute_of_hour ?? 0, "minute_of_hour", 0...59))
        case "weekly":
            let day = try required(day_of_week, "day_of_week", 0...6)
            return .weekly(weekday: (day + 1) % 7, hour: try required(hour_of_day, "hour_of_day", 0...23), minute: try required(minute_of_hour ?? 0, "minute_of_hour", 0...59))
        case "monthly":
            return .monthly(day: try required(day_of_month, "day_of_month", 1...31), hour: try required(hour_of_day, "hour_of_day", 0...23),
                            minute: try required(minute_of_hour ?? 0, "minute_of_hour", 0...59))
        case "custom":
            guard let cron = cron_expression, !cron.isEmpty else { throw MonitoringError.invalid("cron_expression", "is required for a custom schedule") }
            return .cron(cron)
        default:
            throw MonitoringError.invalid("schedule_type", "must be manual, hourly, daily, weekly, monthly or custom, got '\(schedule_type)'")
        }
    }

    func definition() throws -> ScheduleDefinition {
        let run = MonitoringRun(scheduleID: id, businessID: business_id, clientIDs: client_ids, config: configObject)
        let definition = ScheduleDefinition(
            name: AutomationSchedules.name(id), kind: job_type, args: try RawJSON(encoding: run), recurrence: try recurrence(),
            maxAttempts: 1, description: name, maxConsecutiveFailures: 5)
        do {
            try definition.validate()
        } catch {
            // A cron expression is the only field here the user wrote that Conveyor checks.
            throw MonitoringError.invalid("cron_expression", error.message)
        }
        return definition
    }

    var json: [String: JSONValue] {
        let optional = { (value: Int?) in value.map { JSONValue.number(Double($0)) } ?? .null }
        return [
            "id": .string(id), "business_id": .string(business_id), "created_by_user_id": .number(Double(created_by_user_id)),
            "name": .string(name), "description": .string(description), "job_type": .string(job_type),
            "client_ids": client_ids.map { .array($0.map(JSONValue.string)) } ?? .null, "config": configObject ?? .null,
            "schedule_type": .string(schedule_type), "cron_expression": cron_expression.map(JSONValue.string) ?? .null,
            "hour_of_day": optional(hour_of_day), "minute_of_hour": optional(minute_of_hour), "day_of_week": optional(day_of_week),
            "day_of_month": optional(day_of_month), "created_at": .string(created_at.formatted(.iso8601)), "updated_at": .string(updated_at.formatted(.iso8601)),
        ]
    }

    init(_ row: SQLRow) throws {
        id = row["id"].text ?? ""
        business_id = row["business_id"].text ?? ""
        created_by_user_id = row["created_by_user_id"].int ?? 0
        name = row["name"].text ?? ""
        description = row["description"].text ?? ""
        job_type = row["job_type"].text ?? ""
        client_ids = try row["client_ids"].text.map { try JSONDecoder().decode([String].self, from: Data($0.utf8)) }
        config = try row["config"].text.map { try JSONDecoder().decode(JSONValue.self, from: Data($0.utf8)) }
        schedule_type = row["schedule_type"].text ?? ""
        cron_expression = row["cron_expression"].text
        hour_of_day = row["hour_of_day"].int
        minute_of_hour = row["minute_of_hour"].int
        day_of_week = row["day_of_week"].int
        day_of_month = row["day_of_month"].int
        created_at = row["created_at"].date ?? Date(timeIntervalSince1970: 0)
        updated_at = row["updated_at"].date ?? Date(timeIntervalSince1970: 0)
    }

    func save(in db: any AppDatabase, now: Date, inserting: Bool) async throws {
        func json(_ value: (some Encodable)?) throws -> SQLValue {
            try value.map { SQLValue.text(String(decoding: try JSONEncoder().encode($0), as: UTF8.self)) } ?? .null
        }
        let int = { (value: Int?) in value.map(SQLValue.int) ?? .null }
        let values: [SQLValue] = [.text(name), .text(description), .text(job_type), try json(client_ids), try json(configObject), .text(schedule_type),
                                  .optional(cron_expression), int(hour_of_day), int(minute_of_hour), int(day_of_week), int(day_of_month), .date(now)]
        let table = db.table("automation_schedules")
        if inserting {
            try await db.execute("""
                INSERT INTO \(table) (name, description, job_type, client_ids, config, schedule_type, cron_expression, hour_of_day, minute_of_hour,
                    day_of_week, day_of_month, updated_at, id, business_id, created_by_user_id, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, values + [.text(id), .text(business_id), .int(created_by_user_id), .date(now)])
        } else {
            try await db.execute("""
                UPDATE \(table) SET name = ?, description = ?, job_type = ?, client_ids = ?, config = ?, schedule_type = ?, cron_expression = ?,
                    hour_of_day = ?, minute_of_hour = ?, day_of_week = ?, day_of_month = ?, updated_at = ? WHERE id = ?
                """, values + [.text(id)])
        }
    }
}
