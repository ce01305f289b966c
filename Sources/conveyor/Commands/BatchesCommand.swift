import ArgumentParser
import Conveyor
import Foundation

struct BatchesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batches", abstract: "List batches and show one with its progress.",
        subcommands: [List.self, Show.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List batches, newest first.")

        @OptionGroup var database: DatabaseOptions
        @Option(name: .customLong("before-id"), help: "Page: only batches with a lower id.") var beforeID: Int64?
        @Option(help: "At most this many (1-1000).") var limit = 50
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let batches = try await database.withConveyor { try await $0.batches(beforeID: beforeID, limit: limit) }
            if json { return try Output.json(batches) }
            Output.table(["ID", "CALLBACK", "TOTAL", "PENDING", "COMPLETED", "DISCARDED", "CANCELLED", "CREATED", "FINISHED"], batches.map { batch in
                [String(batch.id), batch.callback.kind, "\(batch.total)", "\(batch.pending)", "\(batch.completed)", "\(batch.discarded)",
                 "\(batch.cancelled)", Output.time(batch.createdAt), batch.finishedAt.map(Output.time) ?? "-"]
            })
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one batch: its counts and its callback.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Batch id.") var id: Int64
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let batch = try await database.withConveyor { try await $0.batch(id: id) }
            if json { return try Output.json(batch) }
            let ended = batch.finishedAt.map { "ended \(Output.time($0)); callback job \(batch.callbackJobID.map(String.init) ?? "-")" } ?? "open"
            print("""
                batch \(batch.id): \(batch.total) jobs, \(batch.pending) pending, \(batch.completed) completed, \
                \(batch.discarded) discarded, \(batch.cancelled) cancelled
                created \(Output.time(batch.createdAt)); \(ended)
                callback: \(batch.callback.kind) on queue \(batch.callback.queue), args \(batch.callback.args.text)
                """)
        }
    }
}
