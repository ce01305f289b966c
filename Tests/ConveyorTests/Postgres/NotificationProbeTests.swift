import Conveyor
import ConveyorPostgres
import Foundation
import PostgresNIO
import Testing

/// Behind a transaction-pooling PgBouncer, LISTEN lands on whichever server connection ran it
/// and notifications never reach the listener. The store's probe notices, warns, and the
/// node still runs its jobs by polling. Straight to PostgreSQL, the probe is heard.
@Suite("PostgreSQL: nodes notice when notifications do not arrive", .enabled(if: TestPostgres.bouncerURL != nil))
struct NotificationProbeTests {
    enum Route: String, CaseIterable, CustomTestStringConvertible {
        case direct, transactionPoolingPgBouncer
        var testDescription: String { rawValue }
        var url: String? { self == .direct ? TestPostgres.url : TestPostgres.bouncerURL }
    }

    @Test(.timeLimit(.minutes(1)), arguments: Route.allCases)
    func theProbeDecidesBetweenNotificationsAndPolling(route: Route) async throws {
        let logs = RecordedLogs()
        let client = PostgresClient(configuration: try PostgresConfiguration(url: try #require(route.url)).client)
        let schema = "t_\(UInt64.random(in: 0 ... .max))"
        let store = try PostgresJobStore(client: client, schema: schema, logger: logs.logger("probe"))
        // Jobs come from another store, as from another node: only a notification (or the
        // poll) tells the node about them, not its own enqueue.
        let elsewhere = try PostgresJobStore(client: client, schema: schema)
        let log = RunLog()

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            try await store.migrate()
            // Straight to PostgreSQL the node polls only every 60 s, so a job done within 15 s
            // was woken by a notification (2.5 s against a 5 s poll failed in a loaded suite).
            // Behind PgBouncer the poll is all there is.
            let node = try await makeConveyor(store: store) { $0.pollInterval = route == .direct ? .seconds(60) : .seconds(5) }
            node.register(ScriptedWorker(log: log))
            group.addTask { try await store.run() }
            try await running([node]) {
                let warnings = { @Sendable in logs.messages(atLeast: .warning).filter { $0.contains("notifications do not arrive") } }
                // Under load the listener may connect late, and a job inserted before then would
                // be found when it connects: the job is inserted once the probe has its verdict.
                switch route {
                case .direct:
                    try await eventually(timeout: .seconds(15)) { logs.messages(atLeast: .debug).contains { $0.contains("notifications arrive") } }
                case .transactionPoolingPgBouncer:
                    try await eventually(timeout: .seconds(15)) { !warnings().isEmpty }
                }
                _ = try await elsewhere.insert([JobInsert(kind: ScriptedWorker.kind, args: RawJSON(.object(["step": .number(0)])))], now: Date())
                try await eventually(timeout: .seconds(15)) { log.total == 1 }
                switch route {
                case .direct:
                    #expect(warnings().isEmpty)
                case .transactionPoolingPgBouncer:
                    #expect(warnings().count == 1)
                    #expect(warnings().first?.contains("polling") == true)
                }
            }
        }
    }
}
