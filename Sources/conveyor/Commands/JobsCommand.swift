import ArgumentParser
import Conveyor
import Foundation

struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs", abstract: "List, show, retry, cancel and delete jobs.",
        subcommands: [List.self, Show.self, Retry.self, Cancel.self, Delete.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List jobs, newest first.")

        @OptionGroup var database: DatabaseOptions
        @Option(help: "Only jobs in this state (repeatable).") var state: [String] = []
        @Option(help: "Only jobs in this queue (repeatable).") var queue: [String] = []
        @Option(help: "Only jobs of this kind (repeatable).") var kind: [String] = []
        @Option(help: "Only jobs with this tag (repeatable: jobs with every one).") var tag: [String] = []
        @Option(help: "Only jobs whose args contain this JSON object (PostgreSQL's jsonb @> rule), as in '{\"source_id\": \"s-12\"}'.") var args: String?
        @Flag(help: "Print how many jobs match instead of listing them.") var count = false
        @Option(name: .customLong("before-id"), help: "Page: only jobs with a lower id.") var beforeID: Int64?
        @Option(help: "At most this many (1-1000).") var limit = 50
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let states = try Set(state.map { value throws(ConveyorError) in try JobState(parsing: value) })
            let filter = JobFilter(states: states, queues: Set(queue), kinds: Set(kind), tags: Set(tag),
                                   args: try args.map { text throws(ConveyorError) in try JSONValue(parsing: text, field: "args") },
                                   beforeID: beforeID, limit: limit)
            if count { return print(try await database.withConveyor { try await $0.countJobs(matching: filter) }) }
            let jobs = try await database.withConveyor { try await $0.jobs(matching: filter) }
            if json { return try Output.json(jobs) }
            Output.table(["ID", "KIND", "QUEUE", "STATE", "ATTEMPT", "SCHEDULED", "ERROR"], jobs.map { job in
                [String(job.id), job.kind, job.queue, job.state.rawValue, "\(job.attempt)/\(job.maxAttempts)",
                 Output.time(job.scheduledAt), String((job.errors.last?.message ?? "").prefix(60))]
            })
        }
    }

    struct Show: JobIDCommand {
        static let configuration = CommandConfiguration(abstract: "Show one job with its errors.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Job id.") var id: Int64
        @Flag(help: "Print JSON.") var json = false

        func act(on conveyor: Conveyor) async throws -> Job { try await conveyor.job(id: id) }
        func describe(_ job: Job) -> String { Output.describe(job) }
    }

    struct Retry: JobIDCommand {
        static let configuration = CommandConfiguration(abstract: "Run a failed, cancelled or completed job again now.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Job id.") var id: Int64
        @Flag(help: "Print JSON.") var json = false

        func act(on conveyor: Conveyor) async throws -> Job { try await conveyor.retry(id: id) }
        func describe(_ job: Job) -> String { "job \(job.id) is available again (attempt \(job.attempt) of \(job.maxAttempts) used)" }
    }

    struct Cancel: JobIDCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel a job that has not finished.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Job id.") var id: Int64
        @Option(help: "Why; stored with the job.") var reason = "cancelled from the command line"
        @Flag(help: "Print JSON.") var json = false

        func act(on conveyor: Conveyor) async throws -> Job { try await conveyor.cancel(id: id, reason: reason) }
        func describe(_ job: Job) -> String { "job \(job.id) cancelled" }
    }

    struct Delete: JobIDCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a job that is not executing.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Job id.") var id: Int64
        @Flag(help: "Print JSON.") var json = false

        func act(on conveyor: Conveyor) async throws -> Job { try await conveyor.delete(id: id) }
        func describe(_ job: Job) -> String { "job \(job.id) deleted" }
    }
}

/// A command that does one thing to one job and prints the job.
protocol JobIDCommand: AsyncParsableCommand {
    var database: DatabaseOptions { get }
    var json: Bool { get }
    func act(on conveyor: Conveyor) async throws -> Job
    func describe(_ job: Job) -> String
}

extension JobIDCommand {
    func run() async throws {
        let job = try await database.withConveyor { try await act(on: $0) }
        if json { try Output.json(job) } else { print(describe(job)) }
    }
}
