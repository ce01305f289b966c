import Conveyor
import ConveyorPostgres
import ConveyorSQLite
import Foundation
import Logging
import PostgresNIO

/// The stores every conformance test runs against. A backend joins by adding a case.
/// PostgreSQL runs when `CONVEYOR_TEST_POSTGRES_URL` names a server (scripts/test.sh starts one).
enum StoreKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite
    case postgres

    static var allCases: [StoreKind] { TestPostgres.url == nil ? [.sqlite] : [.sqlite, .postgres] }

    var testDescription: String { rawValue }

    /// A fresh, migrated, empty store.
    func make() async throws -> any JobStore {
        switch self {
        case .sqlite:
            let store = try SQLiteJobStore(path: TemporaryFiles.path("store.sqlite"))
            try await store.migrate()
            return store
        case .postgres:
            let store = try TestPostgres.store(schema: "t_\(UInt64.random(in: 0 ... .max))")
            try await store.migrate()
            return store
        }
    }

    /// A second handle on the same database (a second process, as far as the store knows).
    func reopen(_ store: any JobStore) async throws -> any JobStore {
        switch self {
        case .sqlite:
            guard let store = store as? SQLiteJobStore else { fatalError("not a SQLite store") }
            return try SQLiteJobStore(path: store.configuration.path)
        case .postgres:
            guard let store = store as? PostgresJobStore else { fatalError("not a PostgreSQL store") }
            return try TestPostgres.store(schema: store.schema)
        }
    }
}

/// The server scripts/test.sh starts: one shared pool (for stores on a client they were
/// handed) and stores with pools of their own.
enum TestPostgres {
    static let url = ProcessInfo.processInfo.environment["CONVEYOR_TEST_POSTGRES_URL"]
    /// A transaction-pooling PgBouncer in front of it (scripts/pgbouncer.sh).
    static let bouncerURL = ProcessInfo.processInfo.environment["CONVEYOR_TEST_PGBOUNCER_URL"]

    /// The test server's URL as a store would parse it, on a schema of its own.
    static func configuration() throws -> PostgresConfiguration {
        var configuration = try PostgresConfiguration(url: try #require(url))
        configuration.schema = "t_\(UInt64.random(in: 0 ... .max))"
        return configuration
    }

    /// A store with a pool of its own, as in production (its connections' search_path is the
    /// schema, so the hot path runs prepared statements); a small pool whose idle connections close.
    static func store(schema: String) throws -> PostgresJobStore {
        var configuration = try PostgresConfiguration(url: url ?? "")
        configuration.schema = schema
        configuration.client.options.maximumConnections = 4
        configuration.client.options.connectionIdleTimeout = .seconds(5)
        let store = try PostgresJobStore(configuration: configuration)
        // Like the shared pool, it runs for the rest of the test process.
        Task { await store.runConnections() }
        return store
    }

    static let client: PostgresClient = {
        // Only reached when `url` is set (StoreKind.allCases gates it).
        var configuration = (try? PostgresConfiguration(url: url ?? "")).map(\.client)
            ?? PostgresClient.Configuration(host: "127.0.0.1", username: "postgres", password: nil, database: nil, tls: .disable)
        configuration.options.maximumConnections = 40
        let client = PostgresClient(configuration: configuration, backgroundLogger: Logger(label: "test.postgres"))
        // The pool must run for as long as tests use it: the whole test process.
        Task { await client.run() }
        return client
    }()
}

enum TemporaryFiles {
    /// A path in a new folder under the system temporary folder.
    static func path(_ name: String) -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("conveyor-tests-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent(name).path
    }
}

import Testing

extension JobInsert {
    static func test(_ kind: String = "test.job", queue: String = "default", priority: Int = 0, scheduledAt: Date? = nil,
                     args: JSONValue = .object([:]), maxAttempts: Int = 5, unique: UniqueOptions? = nil, tags: [String] = []) -> JobInsert {
        JobInsert(kind: kind, queue: queue, args: RawJSON(args), priority: priority, maxAttempts: maxAttempts,
                  scheduledAt: scheduledAt, tags: tags, unique: unique)
    }
}

/// A fixed start time so stored times are predictable.
let epoch = Date(timeIntervalSince1970: 1_800_000_000)

extension JobStore {
    /// Every job, newest first, a page of 1,000 (the most a listing returns) at a time.
    func allJobs() async throws -> [Job] {
        var jobs: [Job] = []
        while true {
            let page = try await self.jobs(matching: JobFilter(beforeID: jobs.last?.id, limit: 1_000))
            jobs += page
            if page.count < 1_000 { return jobs }
        }
    }
}
