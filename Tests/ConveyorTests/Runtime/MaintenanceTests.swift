import Conveyor
import ConveyorTesting
import Foundation
import Testing

@Suite("Runtime: maintenance with a test clock")
struct MaintenanceTests {
    @Test func orphanedJobsAreRescuedAfterTheHeartbeatTimeout() async throws {
        let clock = ManualClock()
        let store = try await StoreKind.sqlite.make()
        let conveyor = try await makeConveyor(clock: clock, store: store) { $0.rescueAfter = .seconds(30) }
        let job = try await conveyor.enqueue(ScriptedWorker.self, args: .init()).job
        // A node claims the job, heartbeats once and goes silent (as a killed process would).
        _ = try await store.claim(queue: "default", limit: 1, node: "crashed", now: clock.now())
        try await store.heartbeat(NodeRecord(name: "crashed", queues: ["default"], kinds: [], startedAt: clock.now(), heartbeatAt: clock.now(), running: 1))
        clock.advance(by: .seconds(29))
        try await conveyor.runMaintenance()
        #expect(try await conveyor.job(id: job.id).state == .executing)
        clock.advance(by: .seconds(2))
        try await conveyor.runMaintenance()
        let rescued = try await conveyor.job(id: job.id)
        #expect(rescued.state == .available)
        #expect(rescued.errors.last?.message.contains("crashed") == true)
        conveyor.register(ScriptedWorker())
        #expect(try await conveyor.drain().map(\.state) == [.completed])
    }

    @Test func finishedJobsArePrunedByAge() async throws {
        let clock = ManualClock()
        let conveyor = try await makeConveyor(clock: clock) { $0.retention = Retention(completed: .seconds(3_600), failed: nil) }
        conveyor.register(ScriptedWorker { args, _ in if args.step == 1 { throw JobControl.discard(reason: "no") } })
        try await conveyor.enqueue(ScriptedWorker.self, args: .init(step: 0))
        try await conveyor.enqueue(ScriptedWorker.self, args: .init(step: 1))
        try await conveyor.drain()
        clock.advance(by: .seconds(3_599))
        try await conveyor.runMaintenance()
        #expect(try await conveyor.jobs().count == 2)
        clock.advance(by: .seconds(2))
        try await conveyor.runMaintenance()
        #expect(try await conveyor.jobs().map(\.state) == [.discarded])
    }
}

@Suite("Runtime: enqueue")
struct EnqueueTests {
    @Test func badInputIsRefusedNamingTheFieldAndNothingIsStored() async throws {
        let conveyor = try await makeConveyor()
        conveyor.register(ScriptedWorker())
        let cases: [(String, EnqueueOptions)] = [
            ("priority", EnqueueOptions(priority: 10)),
            ("priority", EnqueueOptions(priority: -1)),
            ("delay", EnqueueOptions(delay: .seconds(-5))),
            ("maxAttempts", EnqueueOptions(maxAttempts: 0)),
            ("queue", EnqueueOptions(queue: "no spaces allowed")),
            ("queue", EnqueueOptions(queue: "")),
            ("queue", EnqueueOptions(queue: String(repeating: "q", count: 101))),
            ("queue", EnqueueOptions(queue: "é")),
        ]
        for (field, options) in cases {
            await #expect(performing: { try await conveyor.enqueue(ScriptedWorker.self, args: .init(), options: options) },
                          throws: { ($0 as? ConveyorError)?.field == field && ($0 as? ConveyorError)?.code == .invalidInput })
        }
        await #expect(performing: { try await conveyor.enqueue(kind: "nobody.knows") },
                      throws: { ($0 as? ConveyorError)?.code == .unknownKind && ($0 as? ConveyorError)?.field == "kind" })
        await #expect(performing: { try await conveyor.enqueue(kind: ScriptedWorker.kind, args: .object(["step": .string("x")])) },
                      throws: { ($0 as? ConveyorError)?.field == "args" && "\($0)".contains("step") })
        // The longest name allowed.
        let longest = try await conveyor.enqueue(ScriptedWorker.self, args: .init(), options: EnqueueOptions(queue: String(repeating: "q", count: 100)))
        #expect(try await conveyor.delete(id: longest.job.id).queue.count == 100)
        // A bulk enqueue with one bad row inserts nothing.
        await #expect(throws: ConveyorError.self) {
            try await conveyor.enqueue([JobInsert(kind: ScriptedWorker.kind), JobInsert(kind: ScriptedWorker.kind, priority: 12)])
        }
        await #expect(performing: { try await conveyor.job(id: 12_345) }, throws: { ($0 as? ConveyorError)?.code == .notFound })
        #expect(try await conveyor.jobs().isEmpty)
    }

    @Test func enqueueByKindUsesTheWorkersOptions() async throws {
        let conveyor = try await makeConveyor()
        conveyor.register(ScriptedWorker())
        let job = try await conveyor.enqueue(kind: ScriptedWorker.kind, args: .object(["step": .number(2)]), options: .init(tags: ["x"])).job
        #expect(job.maxAttempts == ScriptedWorker.options.maxAttempts)
        #expect(job.tags == ["x"])
        #expect(job.args.value["step"] == .number(2))
    }

    @Test func uniqueEnqueueSaysItWasADuplicate() async throws {
        let conveyor = try await makeConveyor()
        let options = EnqueueOptions(unique: UniqueOptions(period: .seconds(300)))
        let first = try await conveyor.enqueue(ScriptedWorker.self, args: .init(step: 1), options: options)
        let second = try await conveyor.enqueue(ScriptedWorker.self, args: .init(step: 1), options: options)
        #expect(!first.isDuplicate)
        #expect(second.isDuplicate)
        #expect(second.job.id == first.job.id)
    }

    @Test func testingHelpersFindEnqueuedJobs() async throws {
        let conveyor = try await makeConveyor()
        try await conveyor.enqueue(ScriptedWorker.self, args: .init(step: 7))
        let job = try await conveyor.assertEnqueued(ScriptedWorker.self, args: .init(step: 7))
        #expect(job.kind == ScriptedWorker.kind)
        await #expect(performing: { try await conveyor.assertEnqueued(ScriptedWorker.self, args: .init(step: 8)) },
                      throws: { "\($0)".contains("{\"step\":7}") })
    }
}

@Suite("Runtime: reconciling with the store")
struct ReconcileTests {
    /// A claim whose reply never arrived leaves a job executing on a live node that does not
    /// run it; the node releases it after seeing it orphaned at two heartbeats.
    @Test(arguments: StoreKind.allCases)
    func jobsClaimedButNeverReceivedAreReleased(kind: StoreKind) async throws {
        let store = try await kind.make()
        let conveyor = try await makeConveyor(store: store) { $0.node = "live" }
        let job = try await conveyor.enqueue(ScriptedWorker.self, args: .init()).job
        _ = try await store.claim(queue: "default", limit: 1, node: "live", now: Date())
        var suspects = try await conveyor.reconcile(suspects: [])
        #expect(suspects.map(\.jobID) == [job.id])
        #expect(try await conveyor.job(id: job.id).state == .executing)
        suspects = try await conveyor.reconcile(suspects: suspects)
        #expect(suspects.isEmpty)
        let released = try await conveyor.job(id: job.id)
        #expect(released.state == .available)
        #expect(released.maxAttempts == ScriptedWorker.options.maxAttempts + 1, "a release does not use up an attempt")
    }
}
