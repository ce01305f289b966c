import Conveyor
@testable import ConveyorPostgres
import Logging
import Testing

/// A store owns its connection pool, which runs inside the store's `run()`. Operations issued
/// before that wait for it, without postgres-nio's warning about an early lease; on a store
/// that is never run they fail, saying so.
@Suite("PostgreSQL: operations wait for the store's own pool", .enabled(if: TestPostgres.url != nil))
struct PoolStartTests {
    @Test(.timeLimit(.minutes(1)))
    func operationsIssuedBeforeRunWaitForIt() async throws {
        let logs = RecordedLogs()
        let store = try PostgresJobStore(configuration: try TestPostgres.configuration(), logger: logs.logger("pool"))
        let early = Task {
            try await store.migrate()
            return try await store.insert([.test()], now: epoch)
        }
        try await eventually { store.poolStart.waiting == 1 }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await store.run() }
            defer { group.cancelAll() }
            let inserted = try await early.value
            #expect(inserted.count == 1)
            #expect(try await store.job(id: try #require(inserted.first?.job.id))?.state == .available)
        }
        let earlyLeases = logs.messages(atLeast: .warning).filter { $0.contains("run()") }
        #expect(earlyLeases.isEmpty, "\(earlyLeases)")
    }

    /// The pool's logger drops postgres-nio's early-lease warning, which ``PoolStart`` makes
    /// spurious, and passes everything else on, metadata included.
    @Test func thePoolLoggerDropsOnlyTheEarlyLeaseWarning() {
        let logs = RecordedLogs()
        var logger = EarlyLeaseWarningFilter.wrapping(logs.logger("pool"))
        logger[metadataKey: "connection"] = "7"
        logger.warning("\(EarlyLeaseWarningFilter.warning)")
        logger.warning("connection 7 closed unexpectedly")
        logger.error("\(EarlyLeaseWarningFilter.warning)")
        #expect(logs.messages(atLeast: .warning) == ["connection 7 closed unexpectedly", EarlyLeaseWarningFilter.warning])
        #expect(logger[metadataKey: "connection"] == "7")
        logger.logLevel = .error
        #expect(logger.logLevel == .error)
    }

    @Test(.timeLimit(.minutes(1)))
    func aStoreNeverRunSaysSo() async throws {
        var configuration = try TestPostgres.configuration()
        configuration.answerTimeout = .milliseconds(300)
        let store = try PostgresJobStore(configuration: configuration)
        let error = await #expect(throws: ConveyorError.self) { try await store.insert([.test()], now: epoch) }
        #expect(error?.code == .storage)
        #expect(error?.message.contains("not running") == true, "\(String(describing: error))")
    }
}
