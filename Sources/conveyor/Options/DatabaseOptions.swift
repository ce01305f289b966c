import ArgumentParser
import Conveyor
import ConveyorHTTP
import ConveyorPostgres
import PostgresNIO
import ConveyorSQLite
import Foundation
import Logging

/// Where the jobs are: the same `--database` on every command.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "Database URL: sqlite:PATH or postgres://USER@HOST:PORT/DB. Default: $CONVEYOR_DATABASE_URL or sqlite:conveyor.sqlite.")
    var database: String?

    var url: String {
        database ?? ProcessInfo.processInfo.environment["CONVEYOR_DATABASE_URL"] ?? "sqlite:conveyor.sqlite"
    }

    /// Runs `body` with the store open (and, for PostgreSQL, its connection pool running).
    func withStore<T: Sendable>(_ body: (any JobStore) async throws -> T) async throws -> T {
        try await DatabaseURL(parsing: url).withStore(body)
    }

    /// Runs `body` with a runtime that runs no queues: for commands that inspect or enqueue.
    func withConveyor<T: Sendable>(_ body: (Conveyor) async throws -> T) async throws -> T {
        try await withStore { store in
            let conveyor = try await Conveyor(storingIn: store, configuration: ConveyorConfiguration(queues: [:]))
            conveyor.registerCommandLineWorkers()
            return try await body(conveyor)
        }
    }
}

/// A parsed database URL.
enum DatabaseURL {
    case sqlite(path: String)
    case postgres(PostgresConfiguration, sslMode: String)

    init(parsing url: String) throws {
        if url.hasPrefix("sqlite://") {
            self = .sqlite(path: String(url.dropFirst("sqlite://".count)))
        } else if url.hasPrefix("sqlite:") {
            self = .sqlite(path: String(url.dropFirst("sqlite:".count)))
        } else if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            let query = URLComponents(string: url)?.queryItems ?? []
            self = .postgres(try PostgresConfiguration(url: url), sslMode: query.last { $0.name == "sslmode" }?.value ?? "disable")
        } else {
            throw ConveyorError(.invalidInput, field: "database", "'\(url)' is not a database URL; use sqlite:PATH or postgres://USER@HOST:PORT/DB")
        }
        if case .sqlite(let path) = self, path.isEmpty {
            throw ConveyorError(.invalidInput, field: "database", "sqlite: needs a file path, as in sqlite:conveyor.sqlite")
        }
    }

    /// Fails fast with a clear message when the server cannot be reached or refuses the
    /// connection, instead of waiting for the pool's own retries to give up (about a minute).
    private static func reach(_ store: PostgresJobStore, _ probe: PostgresProbe) async throws {
        try await probe.check(within: .seconds(10))
        let target = probe.target
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await store.migrate()
                return true
            }
            group.addTask {
                try await Task.sleep(for: .seconds(10))
                return false
            }
            defer { group.cancelAll() }
            guard try await group.next() == true else {
                throw ConveyorError(.storage, field: "database", "PostgreSQL at \(target) accepted a connection but did not migrate within 10 s")
            }
        }
    }

    /// "sqlite" or "postgresql", as reports name the store.
    var kindName: String {
        if case .sqlite = self { return "sqlite" }
        return "postgresql"
    }

    /// The tables the store keeps, as the database names them.
    var tableNames: [String] {
        let tables = ["jobs", "nodes", "leaders", "queues", "queue_starts", "schedules", "batches", "kinds"]
        switch self {
        case .sqlite: return tables.map { "conveyor_\($0)" }
        case .postgres(let configuration, _): return tables.map { "\(configuration.schema).\($0)" }
        }
    }

    func withStore<T: Sendable>(_ body: (any JobStore) async throws -> T) async throws -> T {
        switch self {
        case .sqlite(let path):
            return try await body(SQLiteJobStore(path: path))
        case .postgres(let configuration, let sslMode):
            var poolLogger = Logger(label: "conveyor.postgres")
            poolLogger.logLevel = .warning
            let store = try PostgresJobStore(configuration: configuration, logger: poolLogger)
            return try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await store.run() }
                defer { group.cancelAll() }
                try await Self.reach(store, PostgresProbe(configuration: configuration, sslMode: sslMode))
                return try await body(store)
            }
        }
    }
}

extension Conveyor {
    /// The workers every command knows: `noop`, `sleep`, `fail` and `http`.
    func registerCommandLineWorkers() {
        registerBuiltInWorkers()
        register(HTTPWorker())
    }
}
