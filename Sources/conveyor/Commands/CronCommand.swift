import ArgumentParser
import Conveyor
import Foundation

struct CronCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cron", abstract: "Check cron expressions.", subcommands: [Next.self])

    struct Next: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the next fire times of a cron expression, one UTC instant per line.",
            discussion: """
                Debian cron's meaning, daylight-saving changes included (docs/scheduling.md). Example: \
                conveyor cron next '30 2 * * *' --tz America/New_York --from 2026-03-08T00:00:00-05:00
                """)

        @Argument(help: "Five fields (minute hour day-of-month month day-of-week) or a macro such as @daily.")
        var expression: String

        @Option(help: "IANA time zone the expression runs in.")
        var tz = "UTC"

        @Option(help: "Start after this time: ISO 8601 with Z or an offset, or a local time in --tz (2026-03-08T00:00). Default: now.")
        var from: String?

        @Option(help: "How many fire times to print.")
        var count = 5

        func validate() throws {
            guard (1...10_000).contains(count) else { throw ValidationError("--count must be between 1 and 10000") }
        }

        func run() throws {
            let cron = try CronExpression(expression)
            let zone = try CronExpression.zone(named: tz)
            let start = try from.map { try InstantArgument.parse($0, in: zone, field: "from") } ?? Date()
            let fires = cron.nextFires(after: start, in: zone, count: count)
            guard !fires.isEmpty else {
                throw ConveyorError(.invalidInput, field: "cron", "'\(expression)' never fires (no date matches it)")
            }
            for fire in fires { print(fire.formatted(.iso8601)) }
        }
    }
}
