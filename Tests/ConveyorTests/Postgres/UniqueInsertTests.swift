import Conveyor
import ConveyorPostgres
import Foundation
import PostgresNIO
import Synchronization
import Testing

/// A unique job is one statement that carries its own wake-up: other nodes hear of it when it
/// is inserted available, and not when it is a duplicate or scheduled for later.
@Suite("PostgreSQL: unique inserts wake other nodes", .enabled(if: TestPostgres.url != nil))
struct PostgresUniqueInsertTests {
    @Test func onlyAnInsertedAvailableJobWakesTheQueue() async throws {
        let schema = "t_\(UInt64.random(in: 0 ... .max))"
        let store = try TestPostgres.store(schema: schema)
        try await store.migrate()
        let wakes = WakeLog()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await wakes.listen(on: "\(schema)_signals") }
            defer { group.cancelAll() }
            try await eventually { wakes.isListening }

            let unique = UniqueOptions()
            let first = try await store.insert([.test(args: .object(["n": .number(1)]), unique: unique)], now: Date())[0]
            let duplicate = try await store.insert([.test(args: .object(["n": .number(1)]), unique: unique)], now: Date())[0]
            _ = try await store.insert([.test(args: .object(["n": .number(2)]), unique: unique)], now: Date())
            let scheduled = try await store.insert(
                [.test(scheduledAt: Date().addingTimeInterval(3_600), args: .object(["n": .number(3)]), unique: unique)], now: Date())[0]
            // Delivered in commit order: once the marker is heard, every earlier wake-up was too.
            _ = try await store.insert([.test(queue: "marker")], now: Date())
            try await eventually { wakes.payloads.contains("a:marker") }

            #expect(!first.isDuplicate && duplicate.isDuplicate && duplicate.job.id == first.job.id)
            #expect(scheduled.job.state == .scheduled)
            #expect(wakes.payloads.filter { $0 == "a:default" }.count == 2)
        }
    }

    /// A batch of unique jobs is a statement per job: the answer deadline runs from the last
    /// answer, so a batch that takes longer than the deadline in all is not a lost connection.
    @Test func aUniqueBatchMayTakeLongerThanTheAnswerTimeout() async throws {
        var configuration = try TestPostgres.configuration()
        // Long enough for any one statement under the full suite's load, far shorter than the batch.
        configuration.answerTimeout = .seconds(2)
        let store = try PostgresJobStore(configuration: configuration)
        let pool = Task { await store.runPool() }
        defer { pool.cancel() }
        try await store.migrate()
        let jobs = (0..<4_000).map { JobInsert.test(args: .object(["n": .number(Double($0))]), unique: UniqueOptions()) }
        let started = ContinuousClock.now
        let results = try await store.insert(jobs, now: Date())
        let took = ContinuousClock.now - started
        #expect(took > configuration.answerTimeout, "the batch took \(took): too quick to show anything here")
        #expect(results.count == 4_000 && results.allSatisfy { !$0.isDuplicate })
        #expect(Set(results.map(\.job.id)).count == 4_000)
    }
}

/// The queue wake-ups (`a:QUEUE`) heard on a store's channel, in order.
private final class WakeLog: Sendable {
    private let state = Mutex((listening: false, payloads: [String]()))

    var isListening: Bool { state.withLock { $0.listening } }
    var payloads: [String] { state.withLock { $0.payloads } }

    func listen(on channel: String) async throws {
        try await TestPostgres.client.withConnection { connection in
            try await connection.listen(on: channel) { notifications in
                state.withLock { $0.listening = true }
                for try await notification in notifications where notification.payload.hasPrefix("a:") {
                    state.withLock { $0.payloads.append(notification.payload) }
                }
            }
        }
    }
}
