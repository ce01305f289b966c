import ArgumentParser
import Conveyor
import Foundation

struct SchedulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedules", abstract: "Manage schedules: jobs inserted on a recurrence, at run time.",
        discussion: "Running nodes pick up every change within a second. Times are shown in UTC.",
        subcommands: [List.self, Show.self, Add.self, Update.self, Delete.self, Activate.self, Deactivate.self, Trigger.self],
        defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every schedule with its next fire and last run.")
        @OptionGroup var database: DatabaseOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let schedules = try await database.withConveyor { try await $0.schedules() }
            if json { return try Output.json(schedules) }
            Output.table(["NAME", "KIND", "WHEN", "ZONE", "ACTIVE", "NEXT RUN", "LAST RUN", "LAST STATUS", "FAILURES", "SKIPPED"], schedules.map { schedule in
                [schedule.name, schedule.definition.kind, SchedulesCommand.describe(schedule.definition.recurrence), schedule.definition.timeZone,
                 schedule.active ? "yes" : "no", schedule.nextRunAt.map { $0.formatted(.iso8601) } ?? "-",
                 schedule.lastRunAt.map { $0.formatted(.iso8601) } ?? "-", schedule.lastStatus?.rawValue ?? "-",
                 String(schedule.consecutiveFailures), String(schedule.skippedRuns)]
            })
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One schedule in full, with its next fire times.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Schedule name.") var name: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let schedule = try await database.withConveyor { try await $0.schedule(named: name) }
            if json { return try Output.json(schedule) }
            let definition = schedule.definition
            let upcoming = schedule.active ? definition.recurrence.nextFires(after: Date(), in: TimeZone(identifier: definition.timeZone) ?? .gmt, count: 3) : []
            var lines = [
                "name:          \(schedule.name)", "kind:          \(definition.kind)", "args:          \(definition.args.text)",
                "when:          \(SchedulesCommand.describe(definition.recurrence)) (\(definition.timeZone))",
                "active:        \(schedule.active ? "yes" : "no")\(schedule.disabledReason.map { " (\($0))" } ?? "")",
                "overlap:       \(definition.overlap.rawValue)", "next runs:     \(upcoming.map { $0.formatted(.iso8601) }.joined(separator: ", "))",
                "last run:      \(schedule.lastRunAt.map { $0.formatted(.iso8601) } ?? "-") \(schedule.lastStatus?.rawValue ?? "")\(schedule.lastJobID.map { " (job \($0))" } ?? "")",
                "failures:      \(schedule.consecutiveFailures) in a row (limit \(definition.maxConsecutiveFailures.map(String.init) ?? "none"))",
                "skipped runs:  \(schedule.skippedRuns)",
            ]
            if let error = schedule.lastError { lines.append("last error:    \(error)") }
            if !definition.description.isEmpty { lines.append("description:   \(definition.description)") }
            print(lines.joined(separator: "\n"))
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a schedule.",
            discussion: "Example: conveyor schedules add nightly-report --kind report.build --daily 02:30 --tz Europe/London --overlap skip")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Schedule name (letters, digits and . _ - :).") var name: String
        @OptionGroup var options: ScheduleOptions
        @Flag(help: "Store it inactive.") var inactive = false
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            guard let kind = options.kind else { throw ConveyorError(.invalidInput, field: "kind", "give the job kind with --kind") }
            guard let recurrence = try options.recurrence() else {
                throw ConveyorError(.invalidInput, field: "recurrence", "give one of --cron, --hourly, --daily, --weekly, --monthly, --every or --manual")
            }
            var definition = ScheduleDefinition(name: name, kind: kind, recurrence: recurrence)
            try options.apply(to: &definition)
            let schedule = try await database.withConveyor { [definition] in try await $0.addSchedule(definition, active: !inactive) }
            try SchedulesCommand.report(schedule, json: json, "added schedule \(schedule.name)")
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a schedule; options left out keep their values.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Schedule name.") var name: String
        @OptionGroup var options: ScheduleOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let schedule = try await database.withConveyor { conveyor in
                var definition = try await conveyor.schedule(named: name).definition
                try options.apply(to: &definition)
                return try await conveyor.updateSchedule(definition)
            }
            try SchedulesCommand.report(schedule, json: json, "updated schedule \(schedule.name)")
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a schedule (jobs it inserted stay).")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Schedule name.") var name: String

        func run() async throws {
            try await database.withConveyor { try await $0.deleteSchedule(named: name) }
            print("deleted schedule \(name)")
        }
    }

    struct Activate: ScheduleChangeCommand {
        static let configuration = CommandConfiguration(abstract: "Fire again from the next time after now; resets the failure count.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Schedule name.") var name: String
        @Flag(help: "Print JSON.") var json = false

        func act(on conveyor: Conveyor) async throws -> Schedule { try await conveyor.activateSchedule(named: name) }
        var message: String { "schedule \(name) is active" }
    }

    struct Deactivate: ScheduleChangeCommand {
        static let configuration = CommandConfiguration(abstract: "Stop firing (it can still be triggered).")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Schedule name.") var name: String
        @Flag(help: "Print JSON.") var json = false

        func act(on conveyor: Conveyor) async throws -> Schedule { try await conveyor.deactivateSchedule(named: name) }
        var message: String { "schedule \(name) is inactive" }
    }

    struct Trigger: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Insert the schedule's job now.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Schedule name.") var name: String
        @Flag(help: "Print the job as JSON.") var json = false

        func run() async throws {
            let job = try await database.withConveyor { try await $0.triggerSchedule(named: name) }
            if json { return try Output.json(job) }
            print("inserted job \(job.id) (\(job.kind), queue \(job.queue)) for schedule \(name)")
        }
    }

    static func report(_ schedule: Schedule, json: Bool, _ message: String) throws {
        if json { return try Output.json(schedule) }
        let next = schedule.nextRunAt.map { "; next run \($0.formatted(.iso8601))" } ?? ""
        print(message + next)
    }

    static func describe(_ recurrence: Recurrence) -> String {
        func time(_ hour: Int, _ minute: Int) -> String { String(format: "%02d:%02d", hour, minute) }
        switch recurrence {
        case .manual: return "manual"
        case .hourly(let minute): return "hourly at :\(String(format: "%02d", minute))"
        case .daily(let hour, let minute): return "daily at \(time(hour, minute))"
        case .weekly(let weekday, let hour, let minute):
            let names = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
            return "weekly on \(names.indices.contains(weekday) ? names[weekday] : "day \(weekday)") at \(time(hour, minute))"
        case .monthly(let day, let hour, let minute): return "monthly on day \(day) at \(time(hour, minute))"
        case .cron(let expression): return "cron \(expression)"
        case .every(let interval): return "every \(DurationArgument.format(interval))"
        }
    }
}

/// A schedules subcommand that changes one schedule and reports it.
protocol ScheduleChangeCommand: AsyncParsableCommand {
    var database: DatabaseOptions { get }
    var json: Bool { get }
    var message: String { get }
    func act(on conveyor: Conveyor) async throws -> Schedule
}

extension ScheduleChangeCommand {
    func run() async throws {
        let schedule = try await database.withConveyor { try await act(on: $0) }
        try SchedulesCommand.report(schedule, json: json, message)
    }
}
