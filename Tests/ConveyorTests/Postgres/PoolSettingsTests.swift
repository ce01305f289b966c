import Conveyor
import ConveyorPostgres
import PostgresNIO
import Testing

/// The pool a store builds from a URL keeps no minimum of open connections: postgres-nio 1.33
/// traps when a lease arrives while fewer than the minimum are open, as right after a server
/// restart (a node crashed so in `nodesSurviveAServerRestart` with a minimum of 4).
struct PoolSettingsTests {
    @Test func theURLsPoolKeepsNoMinimumOfOpenConnections() throws {
        let options = try PostgresConfiguration(url: "postgres://conveyor@db.internal:5433/jobs").client.options
        #expect(options.maximumConnections == 10)
        #expect(options.minimumConnections == 0)
    }

    /// The pool's cancelled timers are released only at their deadlines: short ones keep that
    /// pile small under load, and a connection idle at most 10 s needs no keep-alive pings.
    @Test func theURLsPoolClosesIdleConnectionsSoonAndSendsNoPings() throws {
        let options = try PostgresConfiguration(url: "postgres://conveyor@db.internal:5433/jobs").client.options
        #expect(options.connectionIdleTimeout == .seconds(10))
        #expect(options.keepAliveBehavior == nil)
    }

    /// A zero wait would make the listener probe or reconnect in a tight loop.
    @Test(arguments: ["reconnectDelay", "listenerCheckInterval", "answerTimeout"])
    func aWaitThatIsNotPositiveIsRefusedByName(field: String) throws {
        var configuration = try PostgresConfiguration(url: "postgres://conveyor@db.internal:5433/jobs")
        switch field {
        case "reconnectDelay": configuration.reconnectDelay = .zero
        case "listenerCheckInterval": configuration.listenerCheckInterval = .zero
        default: configuration.answerTimeout = .seconds(-1)
        }
        #expect(performing: { try PostgresJobStore(configuration: configuration) },
                throws: { ($0 as? ConveyorError)?.code == .invalidInput && ($0 as? ConveyorError)?.field == field })
    }
}

/// A pool whose minimum is above its maximum: postgres-nio traps on it, so the store lowers
/// the minimum to fit.
@Suite("PostgreSQL: a pool smaller than the minimum", .enabled(if: TestPostgres.url != nil))
struct SmallPoolTests {
    @Test(.timeLimit(.minutes(1)))
    func aPoolOfTwoStillWorks() async throws {
        var configuration = try TestPostgres.configuration()
        configuration.client.options.minimumConnections = 4
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
