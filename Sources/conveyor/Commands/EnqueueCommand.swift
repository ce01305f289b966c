import ArgumentParser
import Conveyor
import Foundation

struct EnqueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enqueue", abstract: "Insert a job of a known kind.",
        discussion: "Example: conveyor enqueue sleep --args '{\"ms\": 2000}' --queue default --in 30s")

    @OptionGroup var database: DatabaseOptions

    @Argument(help: "The job kind (a worker a node runs: noop, sleep, fail, or your own).")
    var kind: String

    @Option(help: "Arguments as a JSON object.")
    var args: String = "{}"

    @Option(help: "Queue (default: the worker's).")
    var queue: String?

    @Option(help: "Priority from 0 (highest) to 9 (lowest).")
    var priority: Int?

    @Option(name: .customLong("max-attempts"), help: "Attempts before the job is discarded.")
    var maxAttempts: Int?

    @Option(name: .customLong("in"), help: "Run after this delay: 500ms, 30s, 5m, 2h, 1d.")
    var delay: String?

    @Option(help: "Run at this time (ISO 8601, e.g. 2026-12-01T08:00:00Z).")
    var at: String?

    @Flag(help: "Make the job unique by kind, queue and args: a duplicate returns the existing job.")
    var unique = false

    @Option(name: .customLong("unique-period"), help: "With --unique: the key holds for this long (e.g. 5m).")
    var uniquePeriod: String?

    @Option(name: .customLong("tag"), help: "A tag (repeatable).")
    var tags: [String] = []

    @Flag(help: "Print the job as JSON.")
    var json = false

    func run() async throws {
        let parsedArgs = try JSONValue(parsing: args, field: "args")
        var options = EnqueueOptions(queue: queue, priority: priority, maxAttempts: maxAttempts, tags: tags)
        if let delay { options.delay = try DurationArgument.parse(delay, field: "in") }
        if let at {
            guard let date = RFC3339.date(at) else {
                throw ConveyorError(.invalidInput, field: "at", "'\(at)' is not an ISO 8601 time such as 2026-12-01T08:00:00Z")
            }
            options.at = try InstantRange.check(date, field: "at")
        }
        if unique || uniquePeriod != nil {
            options.unique = UniqueOptions(by: .args, period: try uniquePeriod.map { try DurationArgument.parse($0, field: "unique-period") })
        }
        let result = try await database.withConveyor { [options] in try await $0.enqueue(kind: kind, args: parsedArgs, options: options) }
        if json {
            try Output.json(EnqueueOutput(job: result.job, duplicate: result.isDuplicate))
        } else {
            let verb = result.isDuplicate ? "duplicate of existing job" : "enqueued job"
            print("\(verb) \(result.job.id) (\(result.job.kind) on \(result.job.queue), \(result.job.state.rawValue))")
        }
    }

    struct EnqueueOutput: Encodable {
        let job: Job
        let duplicate: Bool
    }
}
