import Foundation

/// `{"type": "daily", "hour": 8, "minute": 0}`, `{"type": "cron", "expression": "*/5 * * * *"}`,
/// `{"type": "every", "seconds": 300}`, `{"type": "manual"}`.
extension Recurrence: Codable {
    private enum CodingKeys: String, CodingKey { case type, minute, hour, weekday, day, expression, seconds }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        func int(_ key: CodingKeys) throws -> Int { try container.decode(Int.self, forKey: key) }
        func minute() throws -> Int { try container.decodeIfPresent(Int.self, forKey: .minute) ?? 0 }
        switch type {
        case "manual": self = .manual
        case "hourly": self = .hourly(minute: try minute())
        case "daily": self = .daily(hour: try int(.hour), minute: try minute())
        case "weekly": self = .weekly(weekday: try int(.weekday), hour: try int(.hour), minute: try minute())
        case "monthly": self = .monthly(day: try int(.day), hour: try int(.hour), minute: try minute())
        case "cron": self = .cron(try container.decode(String.self, forKey: .expression))
        case "every": self = .every(try .seconds(checked: try container.decode(Double.self, forKey: .seconds), field: "recurrence.seconds"))
        default:
            throw DecodingError.dataCorruptedError(forKey: .type, in: container,
                                                   debugDescription: "'\(type)' is not manual, hourly, daily, weekly, monthly, cron or every")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .manual:
            try container.encode("manual", forKey: .type)
        case .hourly(let minute):
            try container.encode("hourly", forKey: .type)
            try container.encode(minute, forKey: .minute)
        case .daily(let hour, let minute):
            try container.encode("daily", forKey: .type)
            try container.encode(hour, forKey: .hour)
            try container.encode(minute, forKey: .minute)
        case .weekly(let weekday, let hour, let minute):
            try container.encode("weekly", forKey: .type)
            try container.encode(weekday, forKey: .weekday)
            try container.encode(hour, forKey: .hour)
            try container.encode(minute, forKey: .minute)
        case .monthly(let day, let hour, let minute):
            try container.encode("monthly", forKey: .type)
            try container.encode(day, forKey: .day)
            try container.encode(hour, forKey: .hour)
            try container.encode(minute, forKey: .minute)
        case .cron(let expression):
            try container.encode("cron", forKey: .type)
            try container.encode(expression, forKey: .expression)
        case .every(let interval):
            try container.encode("every", forKey: .type)
            try container.encode(interval.seconds, forKey: .seconds)
        }
    }
}

extension ScheduleDefinition: Codable {
    private enum CodingKeys: String, CodingKey {
        case name, kind, args, recurrence, timeZone, queue, priority, maxAttempts, description, overlap, misfireGraceSeconds, maxConsecutiveFailures
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            name: try container.decode(String.self, forKey: .name), kind: try container.decode(String.self, forKey: .kind),
            args: try container.decodeIfPresent(RawJSON.self, forKey: .args) ?? RawJSON(.object([:])),
            recurrence: try container.decode(Recurrence.self, forKey: .recurrence),
            timeZone: try container.decodeIfPresent(String.self, forKey: .timeZone) ?? "UTC",
            queue: try container.decodeIfPresent(String.self, forKey: .queue),
            priority: try container.decodeIfPresent(Int.self, forKey: .priority),
            maxAttempts: try container.decodeIfPresent(Int.self, forKey: .maxAttempts),
            description: try container.decodeIfPresent(String.self, forKey: .description) ?? "",
            overlap: try container.decodeIfPresent(String.self, forKey: .overlap).map(OverlapPolicy.init(parsing:)) ?? .allow,
            misfireGrace: try .seconds(checked: try container.decodeIfPresent(Double.self, forKey: .misfireGraceSeconds) ?? 60, field: "misfire_grace_seconds"),
            // Absent: the same default as in Swift; null: never deactivate.
            maxConsecutiveFailures: container.contains(.maxConsecutiveFailures)
                ? try container.decodeIfPresent(Int.self, forKey: .maxConsecutiveFailures) : 5)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(kind, forKey: .kind)
        try container.encode(args, forKey: .args)
        try container.encode(recurrence, forKey: .recurrence)
        try container.encode(timeZone, forKey: .timeZone)
        try container.encodeIfPresent(queue, forKey: .queue)
        try container.encodeIfPresent(priority, forKey: .priority)
        try container.encodeIfPresent(maxAttempts, forKey: .maxAttempts)
        try container.encode(description, forKey: .description)
        try container.encode(overlap, forKey: .overlap)
        try container.encode(misfireGrace.seconds, forKey: .misfireGraceSeconds)
        try container.encode(maxConsecutiveFailures, forKey: .maxConsecutiveFailures)
    }
}

/// The definition's fields and the run history side by side, as one flat object.
extension Schedule: Encodable {
    private enum CodingKeys: String, CodingKey {
        case cron, active, disabledReason, nextRunAt, lastRunAt, lastStatus, lastJobID = "lastJobId", consecutiveFailures, lastError, lastErrorAt,
             skippedRuns, createdAt, updatedAt
    }

    public func encode(to encoder: any Encoder) throws {
        try definition.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(definition.recurrence.cronText, forKey: .cron)
        try container.encode(active, forKey: .active)
        try container.encode(disabledReason, forKey: .disabledReason)
        try container.encode(nextRunAt, forKey: .nextRunAt)
        try container.encode(lastRunAt, forKey: .lastRunAt)
        try container.encode(lastStatus, forKey: .lastStatus)
        try container.encode(lastJobID, forKey: .lastJobID)
        try container.encode(consecutiveFailures, forKey: .consecutiveFailures)
        try container.encode(lastError, forKey: .lastError)
        try container.encode(lastErrorAt, forKey: .lastErrorAt)
        try container.encode(skippedRuns, forKey: .skippedRuns)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
    }
}
