import Conveyor
import ConveyorPostgres
import PostgresNIO
import Testing

/// The pool a store builds from a URL parks connections without starting timers, which cost
/// postgres-nio a timer per statement on the hot path.
struct PoolSettingsTests {
    @Test func theURLsPoolKeepsConnectionsOpenWithoutKeepAlivePings() throws {
        let options = try PostgresConfiguration(url: "postgres://conveyor@db.internal:5433/jobs").client.options
        #expect(options.maximumConnections == 10)
        #expect(options.minimumConnections == 4)
        #expect(options.keepAliveBehavior == nil)
    }
}

/// A pool made smaller than the URL's minimum of 4 open connections: postgres-nio traps when
/// the minimum is above the maximum, so the store lowers the minimum to fit.
@Suite("PostgreSQL: a pool smaller than the minimum", .enabled(if: TestPostgres.url != nil))
struct SmallPoolTests {
    @Test(.timeLimit(.minutes(1)))
    func aPoolOfTwoStillWorks() async throws {
        var configuration = try TestPostgres.configuration()
        configuration.client.options.maximumConnections = 2
        let store = try PostgresJobStore(configuration: configuration)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await store.run() }
            defer { group.cancelAll() }
            try await store.migrate()
            let inserted = try await store.insert((0..<300).map { _ in .test() }, now: epoch)
            #expect(inserted.count == 300)
            let claimed = try await store.claim(queue: "default", limit: 300, node: "n1", now: epoch)
            #expect(claimed.count == 300)
        }
    }
}
