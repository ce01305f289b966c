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
