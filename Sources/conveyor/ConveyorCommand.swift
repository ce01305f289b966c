import ArgumentParser
import Conveyor

/// The release this build is (the CHANGELOG's newest section, the git tag).
enum ConveyorVersion {
    static let current = "0.1.0"
}

@main
struct ConveyorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conveyor",
        abstract: "Durable background jobs: run workers, enqueue, inspect, benchmark.",
        discussion: "Every command takes --database (sqlite:PATH; default sqlite:conveyor.sqlite, or $CONVEYOR_DATABASE_URL).",
        version: ConveyorVersion.current,
        subcommands: [
            ServeCommand.self, EnqueueCommand.self, JobsCommand.self, BatchesCommand.self, QueuesCommand.self, SchedulesCommand.self, CronCommand.self, MigrateCommand.self, BenchCommand.self, SoakCommand.self, ConfigCommand.self,
        ]
    )

    /// Refuses an argument that is not UTF-8 before parsing: Swift would read it with U+FFFD in
    /// place of the bad bytes, and a command would store that in place of what was typed.
    static func main() async {
        let arguments = UnsafeBufferPointer(start: CommandLine.unsafeArgv, count: Int(CommandLine.argc))
        for (index, argument) in arguments.enumerated().dropFirst() {
            guard let argument, String(validatingCString: argument) == nil else { continue }
            exit(withError: ConveyorError(.invalidInput, field: "arguments", "argument \(index) is not valid UTF-8; nothing was done"))
        }
        await main(nil)
    }
}
