import ArgumentParser
import Conveyor

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Create or upgrade the database schema (also done on every start).")

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        try await database.withStore { try await $0.migrate() }
        print("schema is up to date at \(database.url)")
    }
}
