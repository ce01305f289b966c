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

    /// A batch with unique jobs is one insert: each job is stored as sent, or answered with the
    /// job holding its key, whether that was stored before or earlier in the same batch.
    @Test func aMixedBatchAnswersEveryJobInOrder() async throws {
        let store = try TestPostgres.store(schema: "t_\(UInt64.random(in: 0 ... .max))")
        try await store.migrate()
        let unique = UniqueOptions()
        let now = Date()
        let earlier = try await store.insert([.test(args: .object(["n": .number(1)]), unique: unique)], now: now)[0].job
        let batch: [JobInsert] = [
            .test(args: .object(["n": .number(1)]), unique: unique),
            .test(args: .object(["plain": .number(1)]), tags: ["a", "b"]),
            .test(args: .object(["n": .number(2)]), unique: unique),
            .test(args: .object(["n": .number(2)]), unique: unique),
            .test(scheduledAt: now.addingTimeInterval(3_600), args: .object(["n": .number(3)]), unique: unique),
            .test(args: .object(["plain": .number(1)])),
        ]
        let results = try await store.insert(batch, now: now)

        #expect(results.map(\.isDuplicate) == [true, false, false, true, false, false])
        #expect(results[0].job == earlier)
        #expect(results[3].job == results[2].job)
        #expect(results[4].job.state == .scheduled)
        #expect(results[1].job.tags == ["a", "b"] && results[1].job.uniqueKey == nil)
        for result in results where !result.isDuplicate {
            #expect(try await store.job(id: result.job.id) == result.job, "job \(result.job.id) as answered differs from as stored")
        }
        let stored = try await store.jobs(matching: JobFilter(limit: 100))
        #expect(stored.count == 5)
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
