import Conveyor
@testable import ConveyorPostgres
import ConveyorTesting
import Foundation
import PostgresNIO
import Testing

/// The store keeps a few connections leased between its operations, so the hot path neither
/// leases from postgres-nio's pool nor parks in it; never more than half the pool, a broken
/// one is let go, and one unused for ``KeptConnections/idleRelease`` goes back to the pool.
@Suite("PostgreSQL: connections kept between operations", .enabled(if: TestPostgres.url != nil))
struct KeptConnectionsTests {
    /// Runs `body` with a store whose pool (of `maximum` connections) and keeper run.
    func withStore(maximum: Int = 6, timerClock: any Clock<Duration> = ContinuousClock(),
                   _ body: (PostgresJobStore, KeptConnections) async throws -> Void) async throws {
        var configuration = try TestPostgres.configuration()
        configuration.client.options.maximumConnections = maximum
        configuration.timerClock = timerClock
        configuration.answerTimeout = .seconds(5)
        let store = try PostgresJobStore(configuration: configuration)
        let kept = try #require(store.keptConnections)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await store.runConnections() }
            defer { group.cancelAll() }
            try await body(store, kept)
        }
    }

    /// The backend a store operation runs on, under the answer deadline as every operation.
    func backendPID(_ store: PostgresJobStore) async throws -> Int32 {
        try await store.storage("reading the backend's pid") {
            try #require(try await store.rows("SELECT pg_backend_pid()").first).decode(Int32.self)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func operationsRunOnAKeptConnection() async throws {
        try await withStore { store, kept in
            #expect(kept.limit == 3)
            _ = try await backendPID(store)
            // The first call asked for a connection to keep; the keeper leases it at once.
            try await eventually { kept.counts == (free: 1, holders: 1) }
            var pids: Set<Int32> = []
            for _ in 0..<20 { pids.insert(try await backendPID(store)) }
            #expect(pids.count == 1, "one call at a time runs on the one kept connection: \(pids)")
            #expect(kept.counts == (free: 1, holders: 1))

            // Many at once: up to the limit are kept, the rest use the pool.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<8 { group.addTask { for _ in 0..<20 { _ = try await backendPID(store) } } }
                try await group.waitForAll()
            }
            let (free, holders) = kept.counts
            #expect(holders <= 3 && free <= holders, "free \(free), holders \(holders)")
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func aKeptConnectionWhoseSessionEndsIsLetGo() async throws {
        try await withStore { store, kept in
            _ = try await backendPID(store)
            try await eventually { kept.counts.free == 1 }
            let keptPID = try await backendPID(store)
            _ = try await TestPostgres.client.query("SELECT pg_terminate_backend(\(keptPID))").collect()
            // A call may fail once, on the connection the server just ended; none waits for an
            // answer that never comes, and the next ones run on a live connection.
            let started = ContinuousClock.now
            var failures = 0
            var after: Int32?
            while after == nil, failures < 3 {
                do { after = try await backendPID(store) } catch { failures += 1 }
            }
            #expect(ContinuousClock.now - started < .seconds(3))
            let live = try #require(after)
            #expect(live != keptPID)
            #expect(failures <= 1)
            try await eventually { kept.counts.holders <= 1 }
            for _ in 0..<5 { #expect(try await backendPID(store) != keptPID) }
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func aConnectionUnusedForTheIdleReleaseGoesBackToThePool() async throws {
        let clock = ManualClock()
        try await withStore(timerClock: clock.timers) { store, kept in
            _ = try await backendPID(store)
            try await eventually { kept.counts == (free: 1, holders: 1) }
            clock.advance(by: KeptConnections.idleRelease - .seconds(1))
            _ = try await backendPID(store)
            // Used again just now: not released, though it was kept longer than the idle release.
            clock.advance(by: .seconds(2))
            kept.releaseIdle()
            #expect(kept.counts == (free: 1, holders: 1))
            // The keeper's own look, each second, lets it go.
            clock.advance(by: KeptConnections.idleRelease)
            try await eventually { kept.counts == (free: 0, holders: 0) }
            // The next call runs on the pool and asks for one to keep again.
            _ = try await backendPID(store)
            try await eventually { kept.counts == (free: 1, holders: 1) }
        }
    }

    @Test func smallPoolsAndHandedInClientsKeepNone() throws {
        var configuration = try TestPostgres.configuration()
        configuration.client.options.maximumConnections = 3
        #expect(try PostgresJobStore(configuration: configuration).keptConnections == nil)
        #expect(try PostgresJobStore(client: TestPostgres.client).keptConnections == nil)
    }
}
