import Conveyor
import ConveyorTesting
import Foundation
import Logging
import Synchronization
import Testing

/// Runs `conveyors` as services while `body` runs, then shuts them down gracefully.
func running<T>(_ conveyors: [Conveyor], _ body: () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: Void.self) { group in
        for conveyor in conveyors { group.addTask { try await conveyor.run() } }
        do {
            let result = try await body()
            for conveyor in conveyors { conveyor.beginShutdown() }
            try await group.waitForAll()
            return result
        } catch {
            for conveyor in conveyors { conveyor.beginShutdown() }
            try? await group.waitForAll()
            throw error
        }
    }
}

@Suite("Runtime: running queues")
struct RunLoopTests {
    /// Three nodes on one database file work through 3,000 jobs: each runs exactly once.
    @Test(.timeLimit(.minutes(2)))
    func threeNodesRunEveryJobExactlyOnce() async throws {
        let first = try await StoreKind.sqlite.make()
        let log = RunLog()
        var nodes: [Conveyor] = []
        for index in 0..<3 {
            let store = index == 0 ? first : try await StoreKind.sqlite.reopen(first)
            let node = try await makeConveyor(queues: ["default": 8], store: store) { $0.node = "node-\(index)" }
            node.register(ScriptedWorker(log: log) { _, _ in try await Task.sleep(for: .microseconds(Int.random(in: 0...300))) })
            nodes.append(node)
        }
        let watcher = nodes[0]
        try await watcher.enqueueAll(ScriptedWorker.self, args: (0..<3_000).map { ScriptedWorker.Args(step: $0) })
        try await running(nodes) {
            try await eventually(timeout: .seconds(90)) {
                try await watcher.queues().first?.count(.completed) == 3_000
            }
        }
        #expect(log.total == 3_000)
        #expect(log.counts.values.allSatisfy { $0 == 1 })
        let jobs = try await watcher.jobs(matching: JobFilter(limit: 1_000))
        #expect(jobs.allSatisfy { $0.attempt == 1 && $0.state == .completed })
        #expect(Set(jobs.compactMap(\.attemptedBy)).count > 1, "work should spread over the nodes")
    }

    @Test(.timeLimit(.minutes(1)))
    func idleQueuePicksUpANewJobAndPublishesItsLife() async throws {
        let conveyor = try await makeConveyor()
        conveyor.register(ScriptedWorker { _, context in
            try await context.progress(0.5, "half way")
            try context.setResult(["done": true])
        })
        let events = conveyor.events()
        let kinds = try await running([conveyor]) {
            let job = try await conveyor.enqueue(ScriptedWorker.self, args: .init()).job
            var kinds: [JobEvent.Kind] = []
            for await event in events where event.jobID == job.id {
                kinds.append(event.kind)
                if event.kind == .progress {
                    #expect(event.progress == 0.5)
                    #expect(event.message == "half way")
                }
                if event.kind == .completed { break }
            }
            let stored = try await conveyor.job(id: job.id)
            #expect(stored.progress == 0.5)
            #expect(stored.result == .object(["done": .bool(true)]))
            return kinds
        }
        #expect(kinds == [.inserted, .started, .progress, .completed])
    }

    /// Seed 004's `progress JSONB`: a worker reports a JSON object with its progress; every
    /// event carries the job's tags, the progress event the object, and the job stores it.
    @Test(.timeLimit(.minutes(1)))
    func structuredProgressIsStreamedWithTagsAndStored() async throws {
        struct Stage: Encodable {
            let step: String
            let chunks: Int
        }
        let conveyor = try await makeConveyor()
        conveyor.register(ScriptedWorker { _, context in
            try await context.progress(0.4, "embedding", details: Stage(step: "embed", chunks: 40))
            await #expect(throws: ConveyorError.self) { try await context.progress(0.5, details: ["blob": String(repeating: "x", count: 20_000)]) }
        })
        let events = conveyor.events()
        try await running([conveyor]) {
            let job = try await conveyor.enqueue(ScriptedWorker.self, args: .init(), options: EnqueueOptions(tags: ["agent:7", "source:s-12"])).job
            for await event in events where event.jobID == job.id {
                #expect(event.tags == ["agent:7", "source:s-12"], "\(event.kind)")
                if event.kind == .progress {
                    #expect(event.details == .object(["step": .string("embed"), "chunks": .number(40)]))
                }
                if event.kind == .completed { break }
            }
            let stored = try await conveyor.job(id: job.id)
            #expect(stored.progressDetails == .object(["step": .string("embed"), "chunks": .number(40)]))
            #expect(stored.progress == 0.4)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func cancellingAnExecutingJobStopsItsTask() async throws {
        let conveyor = try await makeConveyor()
        let sawCancellation = Atomic<Bool>(false)
        let started = RunLog()
        conveyor.register(ScriptedWorker(log: started) { _, _ in
            do {
                try await Task.sleep(for: .seconds(60))
            } catch is CancellationError {
                sawCancellation.store(true, ordering: .relaxed)
                throw CancellationError()
            }
        })
        let job = try await running([conveyor]) {
            let job = try await conveyor.enqueue(ScriptedWorker.self, args: .init()).job
            try await eventually { started.total == 1 }
            try await conveyor.cancel(id: job.id, reason: "no longer needed")
            try await eventually { sawCancellation.load(ordering: .relaxed) }
            return job
        }
        let stored = try await conveyor.job(id: job.id)
        #expect(stored.state == .cancelled)
        #expect(stored.errors.last?.message == "cancelled: no longer needed")
    }

    @Test(.timeLimit(.minutes(1)))
    func shutdownPutsUnfinishedJobsBackWithoutUsingAnAttempt() async throws {
        let conveyor = try await makeConveyor { $0.shutdownGracePeriod = .milliseconds(100) }
        let started = RunLog()
        conveyor.register(ScriptedWorker(log: started) { args, _ in
            if args.step == 1 { try await Task.sleep(for: .seconds(60)) }
        })
        let (slow, quick) = try await running([conveyor]) {
            let slow = try await conveyor.enqueue(ScriptedWorker.self, args: .init(step: 1)).job
            let quick = try await conveyor.enqueue(ScriptedWorker.self, args: .init(step: 0)).job
            try await eventually { started.total == 2 }
            return (slow, quick)
        }
        let stored = try await conveyor.job(id: slow.id)
        #expect(stored.state == .available)
        #expect(stored.maxAttempts == ScriptedWorker.options.maxAttempts + 1)
        #expect(try await conveyor.job(id: quick.id).state == .completed)
        #expect(try await conveyor.nodes().isEmpty, "a node that stopped cleanly removes itself")
    }

    @Test(.timeLimit(.minutes(1)))
    func pausedQueueStartsNothingUntilResumed() async throws {
        let logs = RecordedLogs()
        let conveyor = try await makeConveyor { $0.logger = logs.logger("node") }
        let log = RunLog()
        conveyor.register(ScriptedWorker(log: log))
        let lookedInVain: @Sendable () -> Int = { logs.messages(atLeast: .trace).count { $0 == "nothing to claim" } }
        try await running([conveyor]) {
            try await conveyor.pause(queue: "default")
            let job = try await conveyor.enqueue(ScriptedWorker.self, args: .init()).job
            // The first look ending after the enqueue may have begun before it; the second began after.
            let before = lookedInVain()
            try await eventually { lookedInVain() >= before + 2 }
            #expect(log.total == 0)
            #expect(try await conveyor.job(id: job.id).state == .available)
            try await conveyor.resume(queue: "default")
            try await eventually { try await conveyor.job(id: job.id).state == .completed }
        }
    }

    /// A running node times its jobs on its own clock: moved a second at a time here, a 30 s
    /// timeout ends an attempt that would wait a day.
    @Test(.timeLimit(.minutes(1)))
    func aRunningNodeTimesOutAJob() async throws {
        let clock = ManualClock()
        let conveyor = try await makeConveyor(clock: clock) { $0.timerClock = clock.timers }
        conveyor.register(DayLongWorker(timers: clock.timers))
        let job = try await running([conveyor]) {
            let options = EnqueueOptions(maxAttempts: 1, timeout: .seconds(30))
            let job = try await conveyor.enqueue(DayLongWorker.self, args: .init(), options: options).job
            try await eventually { try await conveyor.job(id: job.id).state == .executing }
            try await eventually {
                clock.advance(by: .seconds(1))
                return try await conveyor.job(id: job.id).state == .discarded
            }
            return try await conveyor.job(id: job.id)
        }
        #expect(job.errors.first?.message.contains("timed out after 30.0 seconds") == true, "\(job.errors)")
    }

    @Test func aRuntimeRunsOnce() async throws {
        let conveyor = try await makeConveyor()
        conveyor.beginShutdown()
        try await conveyor.run()
        await #expect { try await conveyor.run() } throws: { ($0 as? ConveyorError)?.code == .conflict }
    }
}
