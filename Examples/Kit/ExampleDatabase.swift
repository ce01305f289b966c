public import Conveyor
public import ConveyorPostgres
public import ConveyorSQLite
public import Logging
import PostgresNIO

/// Conveyor's store in an example's database.
public enum ExampleStore: Sendable {
    case sqlite(SQLiteJobStore)
    case postgres(PostgresJobStore)

    /// A node on this store.
    public func node(_ configuration: ConveyorConfiguration) async throws -> Conveyor {
        switch self {
        case .sqlite(let store): try await Conveyor(store: store, configuration: configuration)
        case .postgres(let store): try await Conveyor(store: store, configuration: configuration)
        }
    }
}

/// Where an example keeps Conveyor's jobs and its own tables: one SQLite file, or one
/// PostgreSQL database with Conveyor's schema and the application's (`SCHEMA_app`) side by side.
public enum ExampleDatabase {
    /// Opens the database at `url` (`sqlite:PATH` or `postgres://USER@HOST:PORT/DB[?schema=NAME]`),
    /// migrates Conveyor's tables, and runs `body` with the store and the application's tables.
    public static func open<T: Sendable>(
        _ url: String, logger: Logger, _ body: (ExampleStore, any AppDatabase) async throws -> T
    ) async throws -> T {
        if url.hasPrefix("sqlite:") {
            let path = String(url.dropFirst("sqlite:".count)).replacing(/^\/\//, with: "")
            let store = try SQLiteJobStore(path: path)
            try await store.migrate()
            return try await body(.sqlite(store), try SQLiteAppDatabase(path: path))
        }
        // Two pools, as an application has: Conveyor's own (the store waits for it to run) and
        // the application's, first used once the store has migrated.
        let configuration = try PostgresConfiguration(url: url)
        let store = try PostgresJobStore(configuration: configuration, logger: logger)
        var appPool = configuration.client
        appPool.options.maximumConnections = 4
        let client = PostgresClient(configuration: appPool, backgroundLogger: logger)
        let app = PostgresAppDatabase(client: client, schema: "\(configuration.schema)_app", logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            group.addTask { try await store.run() }
            defer { group.cancelAll() }
            try await store.migrate()
            try await app.execute("CREATE SCHEMA IF NOT EXISTS \(app.schema)")
            return try await body(.postgres(store), app)
        }
    }
}
