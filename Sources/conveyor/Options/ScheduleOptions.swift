import ArgumentParser
import Conveyor

/// The options `schedules add` and `schedules update` share: what a schedule runs and when.
struct ScheduleOptions: ParsableArguments {
    @Option(help: "Job kind each fire inserts.") var kind: String?
    @Option(help: "Job arguments as a JSON object.") var args: String?
    @Option(help: "Cron expression (five fields or a macro such as @daily).") var cron: String?
    @Option(help: "Every hour at this minute (0-59).") var hourly: Int?
    @Option(help: "Every day at HH:MM.") var daily: String?
    @Option(help: "Every week on DAY@HH:MM (DAY: 0-6 from Sunday, or sun…sat).") var weekly: String?
    @Option(help: "Every month on DAY@HH:MM (DAY: 1-31; months without it are skipped).") var monthly: String?
    @Option(help: "At a fixed interval: 30s, 5m, 2h (at whole multiples since 1970 UTC).") var every: String?
    @Flag(help: "Only when triggered.") var manual = false
    @Option(help: "IANA time zone, e.g. America/New_York.") var tz: String?
    @Option(help: "Job queue (default: the worker's).") var queue: String?
    @Option(help: "Job priority, 0 (highest) to 9.") var priority: Int?
    @Option(name: .customLong("max-attempts"), help: "Job attempts.") var maxAttempts: Int?
    @Option(help: "allow, or skip a fire while the previous run has not finished.") var overlap: String?
    @Option(name: .customLong("misfire-grace"), help: "How late a fire may still run, e.g. 5m (default 60s).") var misfireGrace: String?
    @Option(name: .customLong("max-failures"), help: "Deactivate after this many failed runs in a row (default 5), or 'none'.") var maxFailures: String?
    @Option(help: "What the schedule is for.") var description: String?

    /// The recurrence the options name, nil if none; more than one is refused.
    func recurrence() throws -> Recurrence? {
        var chosen: [Recurrence] = []
        if let cron { chosen.append(.cron(cron)) }
        if let hourly { chosen.append(.hourly(minute: hourly)) }
        if let daily {
            let (hour, minute) = try Self.time(daily, field: "daily")
            chosen.append(.daily(hour: hour, minute: minute))
        }
        if let weekly {
            let (day, hour, minute) = try Self.dayAndTime(weekly, field: "weekly", names: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"])
            chosen.append(.weekly(weekday: day, hour: hour, minute: minute))
        }
        if let monthly {
            let (day, hour, minute) = try Self.dayAndTime(monthly, field: "monthly", names: [])
            chosen.append(.monthly(day: day, hour: hour, minute: minute))
        }
        if let every { chosen.append(.every(try DurationArgument.parse(every, field: "every"))) }
        if manual { chosen.append(.manual) }
        guard chosen.count <= 1 else {
            throw ConveyorError(.invalidInput, field: "recurrence", "give one of --cron, --hourly, --daily, --weekly, --monthly, --every or --manual")
        }
        return chosen.first
    }

    /// `definition` with every option given applied.
    func apply(to definition: inout ScheduleDefinition) throws {
        if let kind { definition.kind = kind }
        if let args { definition.args = RawJSON(try JSONValue(parsing: args, field: "args")) }
        if let recurrence = try recurrence() { definition.recurrence = recurrence }
        if let tz { definition.timeZone = tz }
        if let queue { definition.queue = queue }
        if let priority { definition.priority = priority }
        if let maxAttempts { definition.maxAttempts = maxAttempts }
        if let overlap { definition.overlap = try OverlapPolicy(parsing: overlap) }
        if let misfireGrace { definition.misfireGrace = try DurationArgument.parse(misfireGrace, field: "misfire-grace") }
        if let maxFailures {
            if maxFailures == "none" {
                definition.maxConsecutiveFailures = nil
            } else {
                guard let limit = Int(maxFailures) else {
                    throw ConveyorError(.invalidInput, field: "max-failures", "'\(maxFailures)' is not a number or 'none'")
                }
                definition.maxConsecutiveFailures = limit
            }
        }
        if let description { definition.description = description }
    }

    /// `HH:MM`; the range is checked with the rest of the schedule.
    static func time(_ text: String, field: String) throws -> (Int, Int) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]) else {
            throw ConveyorError(.invalidInput, field: field, "'\(text)' is not a time; use HH:MM, as in 08:30")
        }
        return (hour, minute)
    }

    static func dayAndTime(_ text: String, field: String, names: [String]) throws -> (Int, Int, Int) {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, let day = Int(parts[0]) ?? names.firstIndex(of: parts[0].lowercased()) else {
            throw ConveyorError(.invalidInput, field: field, "'\(text)' is not DAY@HH:MM, as in \(names.isEmpty ? "1" : "mon")@08:30")
        }
        let (hour, minute) = try time(String(parts[1]), field: field)
        return (day, hour, minute)
    }
}
