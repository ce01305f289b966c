import Conveyor
import ConveyorTesting
import Foundation
import Synchronization
import Testing

@Suite("Scheduler: fires on nodes with a test clock")
struct SchedulerTests {
    private static let stepZero = RawJSON(.object(["step": .number(0)]))

    private static func everyMinute(_ name: String = "tick", overlap: OverlapPolicy = .allow) -> ScheduleDefinition {
        ScheduleDefinition(name: name, kind: ScriptedWorker.kind, args: stepZero, recurrence: .cron("* * * * *"), overlap: overlap)
    }

    private static func node(_ store: any JobStore, _ clock: ManualClock, _ worker: ScriptedWorker = ScriptedWorker(),
                             configure: (inout ConveyorConfiguration) -> Void = { _ in }) async throws -> Conveyor {
        let conveyor = try await makeConveyor(clock: clock, store: store, configure: configure)
        conveyor.register(worker)
        return conveyor
    }

    /// Three nodes (three store handles) fire a schedule every minute for a simulated day,
    /// one of them restarting at noon: one job per minute, no more, no fewer.
    @Test(arguments: StoreKind.allCases)
    func everyMinuteForADayOnThreeNodesIsExactly1440Jobs(kind: StoreKind) async throws {
        let clock = ManualClock()
        let store = try await kind.make()
        var nodes = [try await Self.node(store, clock), try await Self.node(try await kind.reopen(store), clock),
                     try await Self.node(try await kind.reopen(store), clock)]
        try await nodes[0].addSchedule(Self.everyMinute())
        var fired = 0
        for minute in 1...1_440 {
            clock.advance(by: .seconds(60))
            if minute == 720 { nodes[2] = try await Self.node(try await kind.reopen(store), clock) }
            let passes = nodes
            let results = try await withThrowingTaskGroup(of: ScheduleFireResult?.self) { group in
                for node in passes { group.addTask { try await node.runScheduler()["tick"] } }
                return try await group.reduce(into: [ScheduleFireResult]()) { if let result = $1 { $0.append(result) } }
            }
            fired += results.filter { if case .fired = $0 { true } else { false } }.count
        }
        #expect(fired == 1_440)
        let counts = try await nodes[0].queues().first { $0.name == "default" }
        #expect(counts?.count(.available) == 1_440)
        let schedule = try await nodes[0].schedule(named: "tick")
        #expect(schedule.lastRunAt == clock.now())
        #expect(schedule.nextRunAt == clock.now().addingTimeInterval(60))
        #expect(schedule.lastStatus == .enqueued)
        #expect(schedule.skippedRuns == 0)
    }

    @Test(arguments: StoreKind.allCases)
    func skipSuppressesFiresWhileTheLastRunIsUnfinished(kind: StoreKind) async throws {
        let clock = ManualClock()
        let node = try await Self.node(try await kind.make(), clock)
        try await node.addSchedule(Self.everyMinute(overlap: .skip))
        clock.advance(by: .seconds(60))
        guard case .fired(let first) = try await node.runScheduler()["tick"] else { throw TestFailure(description: "did not fire") }
        for _ in 1...3 {
            clock.advance(by: .seconds(60))
            #expect(try await node.runScheduler()["tick"] == .skipped)
        }
        var schedule = try await node.schedule(named: "tick")
        #expect(schedule.skippedRuns == 3)
        #expect(schedule.lastStatus == .skipped)
        #expect(schedule.lastJobID == first.id)
        // The run finishes; the next fire inserts again.
        #expect(try await node.drain().map(\.state) == [.completed])
        #expect(try await node.schedule(named: "tick").lastStatus == .completed)
        clock.advance(by: .seconds(60))
        guard case .fired(let second) = try await node.runScheduler()["tick"] else { throw TestFailure(description: "did not fire again") }
        schedule = try await node.schedule(named: "tick")
        #expect(schedule.lastJobID == second.id)
        #expect(schedule.skippedRuns == 3)
    }

    @Test(arguments: StoreKind.allCases)
    func aScheduleWhoseJobFailsFiveTimesInARowDeactivatesItself(kind: StoreKind) async throws {
        let clock = ManualClock()
        let runs = Atomic<Int>(0)
        // Fails, fails, succeeds (the count starts over), then fails for good.
        let worker = ScriptedWorker { _, _ in
            let run = runs.add(1, ordering: .relaxed).newValue
            if run != 3 { throw JobControl.discard(reason: "upstream answered 503 on run \(run)") }
        }
        let node = try await Self.node(try await kind.make(), clock, worker)
        try await node.addSchedule(Self.everyMinute())
        for run in 1...7 {
            clock.advance(by: .seconds(60))
            guard case .fired = try await node.runScheduler()["tick"] else { throw TestFailure(description: "run \(run) did not fire") }
            _ = try await node.drain()
            let schedule = try await node.schedule(named: "tick")
            #expect(schedule.consecutiveFailures == (run < 3 ? run : run - 3))
            #expect(schedule.active == (run < 8))
        }
        clock.advance(by: .seconds(60))
        #expect(try await node.runScheduler()["tick"] != nil)
        _ = try await node.drain()
        let schedule = try await node.schedule(named: "tick")
        #expect(schedule.consecutiveFailures == 5)
        #expect(!schedule.active)
        #expect(schedule.nextRunAt == nil)
        #expect(schedule.lastStatus == .failed)
        #expect(schedule.lastError?.contains("503 on run 8") == true)
        #expect(schedule.disabledReason?.contains("deactivated after 5 failed runs in a row") == true)
        clock.advance(by: .seconds(60))
        #expect(try await node.runScheduler().isEmpty)
        // Activating starts the count over.
        let active = try await node.activateSchedule(named: "tick")
        #expect(active.active && active.consecutiveFailures == 0 && active.disabledReason == nil)
    }

    /// A run's end is recorded by the transaction that makes its job final, wherever that is:
    /// a rescue that discards a run whose node died is a failed run, a user's cancel a
    /// cancelled one.
    @Test(arguments: StoreKind.allCases)
    func aRunDiscardedByARescueIsAFailedRunAndACancelIsRecorded(kind: StoreKind) async throws {
        let clock = ManualClock()
        let store = try await kind.make()
        let node = try await Self.node(store, clock)
        var definition = Self.everyMinute()
        definition.maxAttempts = 1
        try await node.addSchedule(definition)
        clock.advance(by: .seconds(60))
        guard case .fired(let first) = try await node.runScheduler()["tick"] else { throw TestFailure(description: "did not fire") }
        _ = try await store.claim(queue: "default", limit: 1, node: "died", now: clock.now())
        clock.advance(by: .seconds(60))
        #expect(try await store.rescue(heartbeatBefore: clock.now(), now: clock.now()) == 1)
        var schedule = try await node.schedule(named: "tick")
        #expect(try await node.job(id: first.id).state == .discarded)
        #expect(schedule.lastStatus == .failed && schedule.consecutiveFailures == 1)
        #expect(schedule.lastError?.contains("node died stopped heartbeating") == true)

        guard case .fired(let second) = try await node.runScheduler()["tick"] else { throw TestFailure(description: "did not fire again") }
        try await node.cancel(id: second.id, reason: "not today")
        schedule = try await node.schedule(named: "tick")
        #expect(schedule.lastJobID == second.id && schedule.lastStatus == .cancelled && schedule.consecutiveFailures == 1)
    }

    @Test(arguments: StoreKind.allCases)
    func missedFiresRunOnceWithinTheGraceElseAreSkipped(kind: StoreKind) async throws {
        // The test clock starts at 08:00:00 UTC; this one a minute earlier.
        let clock = ManualClock(start: Date(timeIntervalSince1970: 1_800_000_000 - 60))
        let node = try await Self.node(try await kind.make(), clock)
        try await node.addSchedule(ScheduleDefinition(name: "daily", kind: ScriptedWorker.kind, args: Self.stepZero, recurrence: .daily(hour: 8), misfireGrace: .seconds(60)))
        try await node.addSchedule(ScheduleDefinition(name: "often", kind: ScriptedWorker.kind, args: Self.stepZero, recurrence: .every(.seconds(60)), misfireGrace: .seconds(300)))
        let eight = clock.now().addingTimeInterval(60)
        // Everything was down from 07:59 to 08:05.
        clock.advance(by: .seconds(6 * 60))
        let results = try await node.runScheduler()
        #expect(results["daily"] == .missed)
        guard case .fired(let job) = results["often"] else { throw TestFailure(description: "often did not fire") }
        #expect(job.meta.value["fire_at"] == .string(clock.now().formatted(.iso8601)), "the latest missed fire runs, once")
        let daily = try await node.schedule(named: "daily")
        #expect(daily.lastStatus == .missed && daily.skippedRuns == 1 && daily.lastRunAt == nil)
        #expect(daily.nextRunAt == eight.addingTimeInterval(86_400))
        #expect(try await node.jobs().count == 1)
        // Down from 07:59 to 08:00:30 the next day: within the grace, so it runs.
        clock.set(eight.addingTimeInterval(86_400 + 30))
        guard case .fired(let late) = try await node.runScheduler()["daily"] else { throw TestFailure(description: "daily did not fire") }
        #expect(late.meta.value["fire_at"] == .string(eight.addingTimeInterval(86_400).formatted(.iso8601)))
    }

    @Test(arguments: StoreKind.allCases)
    func triggersChangesAndCodeDeclaredSchedules(kind: StoreKind) async throws {
        let clock = ManualClock()
        let store = try await kind.make()
        let declared = ScheduleDefinition(name: "report", kind: ScriptedWorker.kind, args: Self.stepZero, recurrence: .hourly(minute: 30), queue: "reports")
        let nodeA = try await Self.node(store, clock) { $0.schedules = [declared] }
        let nodeB = try await Self.node(try await kind.reopen(store), clock) { $0.schedules = [declared] }
        try await nodeA.runScheduler()
        try await nodeB.runScheduler()
        #expect(try await nodeA.schedules().map(\.name) == ["report"])
        // 1_800_000_000 is 08:00 UTC: the next half past is in 30 minutes.
        #expect(try await nodeA.schedule(named: "report").nextRunAt == clock.now().addingTimeInterval(1_800))

        // A trigger inserts now and leaves the next fire alone.
        let triggered = try await nodeB.triggerSchedule(named: "report")
        #expect(triggered.queue == "reports" && triggered.meta.value["schedule"] == .string("report"))
        #expect(try await nodeA.schedule(named: "report").nextRunAt == clock.now().addingTimeInterval(1_800))

        // An update through one node is what the other fires by, without a restart.
        var changed = declared
        changed.recurrence = .cron("*/10 * * * *")
        try await nodeA.updateSchedule(changed)
        clock.advance(by: .seconds(600))
        guard case .fired = try await nodeB.runScheduler()["report"] else { throw TestFailure(description: "the update did not reach node B") }
        try await nodeA.deactivateSchedule(named: "report")
        clock.advance(by: .seconds(600))
        #expect(try await nodeB.runScheduler().isEmpty)
        try await nodeA.deleteSchedule(named: "report")
        await #expect(throws: ConveyorError.self) { try await nodeB.schedule(named: "report") }
    }

    @Test(arguments: StoreKind.allCases)
    func badSchedulesAreRefusedAndNothingIsStored(kind: StoreKind) async throws {
        let node = try await Self.node(try await kind.make(), ManualClock())
        let cases: [(ScheduleDefinition, String, String)] = [
            (ScheduleDefinition(name: "a", kind: ScriptedWorker.kind, args: Self.stepZero, recurrence: .cron("0 24 * * *")), "cron", "hour field: '24' is out of range 0-23"),
            (ScheduleDefinition(name: "a", kind: ScriptedWorker.kind, args: Self.stepZero, recurrence: .daily(hour: 24)), "recurrence.hour", "between 0 and 23, got 24"),
            (ScheduleDefinition(name: "a", kind: ScriptedWorker.kind, args: Self.stepZero, recurrence: .monthly(day: 32, hour: 8)), "recurrence.day", "between 1 and 31, got 32"),
            (ScheduleDefinition(name: "a", kind: ScriptedWorker.kind, args: Self.stepZero, recurrence: .daily(hour: 8), timeZone: "Mars/Olympus"), "timezone", "not a time zone"),
            (ScheduleDefinition(name: "a", kind: ScriptedWorker.kind, args: Self.stepZero, recurrence: .cron("0 0 30 2 *")), "recurrence.cron", "never fires"),
            (ScheduleDefinition(name: "a b", kind: ScriptedWorker.kind, args: Self.stepZero, recurrence: .daily(hour: 8)), "name", "may only contain"),
            (ScheduleDefinition(name: "a", kind: "no.such.kind", recurrence: .daily(hour: 8)), "kind", "no node has declared kind 'no.such.kind'"),
            (ScheduleDefinition(name: "a", kind: ScriptedWorker.kind, args: RawJSON(.object(["step": .string("x")])), recurrence: .daily(hour: 8)), "args", "'step'"),
        ]
        for (definition, field, message) in cases {
            do {
                try await node.addSchedule(definition)
                Issue.record("\(definition) should be refused")
            } catch let error as ConveyorError {
                #expect(error.field == field, "\(error)")
                #expect(error.message.contains(message), "\(error)")
            }
        }
        #expect(try await node.schedules().isEmpty)
        try await node.addSchedule(Self.everyMinute())
        await #expect(throws: ConveyorError.self) { try await node.addSchedule(Self.everyMinute()) }
        #expect(try await node.schedules().count == 1)
    }

    /// A kind that only a worker process runs (over HTTP) has no Swift worker on any node: its
    /// schedule fires from its declaration, and each job carries the declared queue, backoff
    /// and timeout, as an enqueue by kind does.
    @Test(arguments: StoreKind.allCases)
    func aScheduleOfAWorkerProcessKindFiresWithItsDeclaredRules(kind: StoreKind) async throws {
        let clock = ManualClock()
        let node = try await makeConveyor(clock: clock, store: try await kind.make())
        try await node.declare([WorkerKind("py.report", queue: "reports", priority: 3, maxAttempts: 4,
                                           backoff: .fixed(.seconds(30)), timeout: .seconds(90))], worker: "py-1")
        try await node.addSchedule(ScheduleDefinition(name: "nightly", kind: "py.report", args: RawJSON(.object(["day": "mon"])),
                                                      recurrence: .cron("* * * * *")))
        clock.advance(by: .seconds(60))
        guard case .fired(let job) = try await node.runScheduler()["nightly"] else { throw TestFailure(description: "did not fire") }
        #expect(job.kind == "py.report" && job.queue == "reports" && job.priority == 3 && job.maxAttempts == 4)
        #expect(job.meta.value["timeout_seconds"] == .number(90))
        #expect(job.meta.value["backoff"] != nil, "the declared backoff travels with the job: \(job.meta.value)")
        #expect(job.meta.value["schedule"] == .string("nightly"))

        let triggered = try await node.triggerSchedule(named: "nightly")
        #expect(triggered.queue == "reports" && triggered.meta.value["timeout_seconds"] == .number(90))
    }

    /// A schedule's args were checked when it was stored. If the worker has changed since and
    /// they no longer decode, that schedule's run fails (and counts against it); the other
    /// schedules still fire.
    @Test func argsTheWorkerNoLongerTakesDoNotStopOtherFires() async throws {
        let clock = ManualClock()
        let store = try await StoreKind.sqlite.make()
        let before = try await makeConveyor(clock: clock, store: store)
        try await before.declare([WorkerKind(ScriptedWorker.kind)], worker: "old-worker")
        try await before.addSchedule(ScheduleDefinition(name: "stale", kind: ScriptedWorker.kind, args: RawJSON(.object(["step": "first"])),
                                                        recurrence: .cron("* * * * *")))
        let node = try await Self.node(store, clock)
        try await node.addSchedule(Self.everyMinute())
        clock.advance(by: .seconds(60))
        let results = try await node.runScheduler()
        guard case .fired? = results["tick"], case .fired(let stale)? = results["stale"] else { throw TestFailure(description: "\(results)") }
        #expect(stale.args.value == .object(["step": "first"]))
    }
}
