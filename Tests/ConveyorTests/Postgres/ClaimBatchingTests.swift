import Conveyor
import ConveyorPostgres
import Foundation
import Synchronization
import Testing

/// While most of a producer's slots are busy, it lets them finish for the store's
/// `claimBatchingWait` before it claims for the few that are free.
@Suite("PostgreSQL: a small claim waits while most slots are busy", .enabled(if: TestPostgres.url != nil))
struct ClaimBatchingTests {
    @Test(.timeLimit(.minutes(1)))
    func aJobForTheOneFreeSlotStartsAfterTheWait() async throws {
        var configuration = try TestPostgres.configuration()
        configuration.claimBatchingWait = .milliseconds(400)
        let store = try PostgresJobStore(configuration: configuration)
        Task { await store.runConnections() }
        try await store.migrate()

        // Four jobs fill the four slots and run until released (step 1 marks them).
        let released = Mutex<Set<Int64>>([])
        let conveyor = try await makeConveyor(queues: ["default": 4], store: store)
        conveyor.register(ScriptedWorker { args, context in
            while args.step == 1, !released.withLock({ $0.contains(context.job.id) }) {
                try await Task.sleep(for: .milliseconds(5))
            }
        })
        let blockers = try await conveyor.enqueueAll(ScriptedWorker.self, args: Array(repeating: .init(step: 1), count: 4)).map(\.job.id)
        try await running([conveyor]) {
            try await eventually { try await conveyor.queues().first?.count(.executing) == 4 }
            let freed = Date()
            released.withLock { _ = $0.insert(blockers[0]) }
            let waiting = try await conveyor.enqueue(ScriptedWorker.self, args: .init()).job
            try await eventually { try await conveyor.job(id: waiting.id).state == .completed }
            let started = try #require(try await conveyor.job(id: waiting.id).attemptedAt)
            #expect(started.timeIntervalSince(freed) >= 0.35, "started \(started.timeIntervalSince(freed)) s after its slot was freed")
            released.withLock { $0.formUnion(blockers) }
        }
    }
}
