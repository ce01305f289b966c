import ArgumentParser
import Conveyor

struct QueuesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queues", abstract: "Show queues with counts by state; pause, resume and limit them; set how long they keep finished jobs.",
        subcommands: [List.self, Pause.self, Resume.self, Limit.self, RetentionCommand.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Counts by state, paused flag and limits of every queue.")
        @OptionGroup var database: DatabaseOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let queues = try await database.withConveyor { try await $0.queues() }
            if json { return try Output.json(queues) }
            let states = JobState.allCases
            Output.table(["QUEUE", "PAUSED", "LIMITS", "RETENTION"] + states.map { $0.rawValue.uppercased() }, queues.map { queue in
                [queue.name, queue.paused ? "yes" : "no", Self.describe(queue.limits), RetentionArgument.describe(queue.retention)]
                    + states.map { String(queue.count($0)) }
            })
        }

        static func describe(_ limits: QueueLimits) -> String {
            var parts: [String] = []
            if let concurrency = limits.concurrency { parts.append("\(concurrency) at once") }
            if let rate = limits.rate { parts.append("\(rate.count)/\(DurationArgument.format(rate.period))") }
            return parts.isEmpty ? "-" : parts.joined(separator: ", ")
        }
    }

    struct Limit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a queue's limits across all nodes, replacing any.",
            discussion: """
                An option left out means no limit of that kind; with neither, the queue's limits are removed. \
                Nodes apply the change at their next claim, without a restart.
                """)
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Queue name.") var queue: String
        @Option(help: "At most this many jobs of the queue executing at once, over all nodes.") var concurrency: Int?
        @Option(help: "At most COUNT jobs started per PERIOD over all nodes (sliding window): 10/1s, 600/1m.", transform: RateArgument.parse)
        var rate: RateLimit?

        func run() async throws {
            let limits = QueueLimits(concurrency: concurrency, rate: rate)
            try await database.withConveyor { try await $0.setLimits(limits, queue: queue) }
            print(limits.isLimited ? "queue \(queue) limited to \(List.describe(limits))" : "queue \(queue) has no limits")
        }
    }

    struct RetentionCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "retention",
            abstract: "Set how long a queue keeps its finished jobs, per final state, replacing its rules.",
            discussion: """
                Each rule is \(RetentionArgument.syntax). A state without a rule follows the node-wide retention; \
                with no rules the queue's own are removed. The node that prunes applies them on its next pass, without a restart.
                """)
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Queue name.") var queue: String
        @Argument(help: "Rules as STATE=RULE: completed=last:100, discarded=last:500+age:7d, cancelled=all.") var rules: [String] = []

        func run() async throws {
            let retention = try RetentionArgument.parse(rules, field: "rules")
            try await database.withConveyor { try await $0.setRetention(retention, queue: queue) }
            print(retention.isEmpty ? "queue \(queue) follows the node-wide retention" : "queue \(queue) keeps \(RetentionArgument.describe(retention))")
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
