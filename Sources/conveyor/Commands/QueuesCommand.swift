import ArgumentParser
import Conveyor

struct QueuesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queues", abstract: "Show queues with counts by state; pause and resume them.",
        subcommands: [List.self, Pause.self, Resume.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Counts by state and the paused flag of every queue.")
        @OptionGroup var database: DatabaseOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let queues = try await database.withConveyor { try await $0.queues() }
            if json { return try Output.json(queues) }
            let states = JobState.allCases
            Output.table(["QUEUE", "PAUSED"] + states.map { $0.rawValue.uppercased() }, queues.map { queue in
                [queue.name, queue.paused ? "yes" : "no"] + states.map { String(queue.count($0)) }
            })
        }
    }

    struct Pause: QueueCommand {
        static let configuration = CommandConfiguration(abstract: "Stop every node from starting jobs of a queue.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Queue name.") var queue: String
        static let paused = true
    }

    struct Resume: QueueCommand {
        static let configuration = CommandConfiguration(abstract: "Let nodes start jobs of a paused queue again.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Queue name.") var queue: String
        static let paused = false
    }
}

/// Pauses or resumes one queue.
protocol QueueCommand: AsyncParsableCommand {
    var database: DatabaseOptions { get }
    var queue: String { get }
    static var paused: Bool { get }
}

extension QueueCommand {
    func run() async throws {
        try await database.withConveyor { conveyor in
            if Self.paused { try await conveyor.pause(queue: queue) } else { try await conveyor.resume(queue: queue) }
        }
        print("queue \(queue) \(Self.paused ? "paused" : "resumed")")
    }
}
