import ArgumentParser

@main
struct ConveyorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conveyor",
        abstract: "Durable background jobs: run workers, enqueue, inspect, benchmark.",
        discussion: "Every command takes --database (sqlite:PATH; default sqlite:conveyor.sqlite, or $CONVEYOR_DATABASE_URL).",
        subcommands: [
            ServeCommand.self, EnqueueCommand.self, JobsCommand.self, QueuesCommand.self, SchedulesCommand.self, CronCommand.self, MigrateCommand.self, BenchCommand.self,
        ]
    )
}
