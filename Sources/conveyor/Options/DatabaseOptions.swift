import ArgumentParser
import Conveyor
import ConveyorSQLite
import Foundation
import Logging

/// Where the jobs are: the same `--database` on every command.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "Database URL: sqlite:PATH. Default: $CONVEYOR_DATABASE_URL or sqlite:conveyor.sqlite.")
    var database: String?

    var url: String {
        database ?? ProcessInfo.processInfo.environment["CONVEYOR_DATABASE_URL"] ?? "sqlite:conveyor.sqlite"
    }

    func openStore() throws -> any JobStore {
        try DatabaseURL(parsing: url).openStore()
    }

    /// A runtime on the database for commands that inspect or enqueue (it runs no queues).
    func openConveyor(logger: Logger = Logger(label: "conveyor")) async throws -> Conveyor {
        let conveyor = try await Conveyor(store: openStore(), configuration: ConveyorConfiguration(queues: [:], logger: logger))
        conveyor.registerBuiltInWorkers()
        return conveyor
    }
}

/// A parsed database URL.
enum DatabaseURL: Equatable {
    case sqlite(path: String)

    init(parsing url: String) throws {
        if url.hasPrefix("sqlite://") {
            self = .sqlite(path: String(url.dropFirst("sqlite://".count)))
        } else if url.hasPrefix("sqlite:") {
            self = .sqlite(path: String(url.dropFirst("sqlite:".count)))
        } else if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            throw ConveyorError(.invalidInput, field: "database", "PostgreSQL is not supported by this build yet; use sqlite:PATH")
        } else {
            throw ConveyorError(.invalidInput, field: "database", "'\(url)' is not a database URL; use sqlite:PATH")
        }
        if case .sqlite(let path) = self, path.isEmpty {
            throw ConveyorError(.invalidInput, field: "database", "sqlite: needs a file path, as in sqlite:conveyor.sqlite")
        }
    }

    func openStore() throws -> any JobStore {
        switch self {
        case .sqlite(let path): try SQLiteJobStore(path: path)
        }
    }
}
