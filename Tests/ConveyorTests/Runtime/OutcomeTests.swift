import Conveyor
import ConveyorTesting
import Foundation
import Testing

@Suite("Runtime: outcomes, retries and backoff")
struct OutcomeTests {
    @Test func failuresRetryOnTheBackoffLadderThenDiscard() async throws {
        let clock = ManualClock()
        let conveyor = try await makeConveyor(clock: clock)
        conveyor.register(ScriptedWorker { _, context in throw TestFailure(description: "boom \(context.job.attempt)") })
        let job = try await conveyor.enqueue(ScriptedWorker.self, args: .init()).job
        let start = clock.now()

        var ran = try await conveyor.drain()
        #expect(ran.map(\.state) == [.retryable])
        #expect(ran[0].scheduledAt == start.addingTimeInterval(5))
        #expect(try await conveyor.drain().isEmpty)

        clock.advance(by: .seconds(5))
        ran = try await conveyor.drain()
        #expect(ran[0].state == .retryable)
        #expect(ran[0].scheduledAt == start.addingTimeInterval(5 + 25))

        clock.advance(by: .seconds(25))
        ran = try await conveyor.drain()
        let final = ran[0]
        #expect(final.id == job.id)
        #expect(final.state == .discarded)
        #expect(final.attempt == 3)
        #expect(final.errors.map(\.attempt) == [1, 2, 3])
        #expect(final.errors.map(\.message) == ["TestFailure: boom 1", "TestFailure: boom 2", "TestFailure: boom 3"])
    }

    @Test func backoffPolicies() {
        let ladder = Backoff.exponential(base: .seconds(5), factor: 5, jitter: 0)
        #expect((1...3).map { ladder.delay(afterAttempt: $0) } == [.seconds(5), .seconds(25), .seconds(125)])
        #expect(Backoff.fixed(.seconds(7)).delay(afterAttempt: 9) == .seconds(7))
        #expect(Backoff.linear(base: .seconds(10), step: .seconds(5)).delay(afterAttempt: 3) == .seconds(20))
        #expect(Backoff.custom { .seconds($0 * 100) }.delay(afterAttempt: 2) == .seconds(200))
        let capped = Backoff.exponential(base: .seconds(1), factor: 10, jitter: 0, maxDelay: .seconds(60))
        #expect(capped.delay(afterAttempt: 5) == .seconds(60))
        let jittered = Backoff.exponential(base: .seconds(100), factor: 2, jitter: 0.1)
        #expect(jittered.delay(afterAttempt: 1, random: 0) == .seconds(90))
        #expect(jittered.delay(afterAttempt: 1, random: 0.5) == .seconds(100))
    }

    @Test func controlOutcomes() async throws {
        let clock = ManualClock()
        let conveyor = try await makeConveyor(clock: clock)
        conveyor.register(ScriptedWorker { args, context in
            switch args.step {
            case 1: throw JobControl.snooze(for: .seconds(60))
            case 2: throw JobControl.discard(reason: "bad data")
            case 3: throw JobControl.cancel(reason: "user left")
            default: try context.setResult(["ok": true])
            }
        })
        for step in 0...3 { try await conveyor.enqueue(ScriptedWorker.self, args: .init(step: step)) }
        let ran = try await conveyor.drain()
        let byStep = Dictionary(uniqueKeysWithValues: ran.map { ($0.args.value["step"], $0) })
        let completed = try #require(byStep[.number(0)])
        #expect(completed.state == .completed)
        #expect(completed.result == .object(["ok": .bool(true)]))
        let snoozed = try #require(byStep[.number(1)])
        #expect(snoozed.state == .scheduled)
        #expect(snoozed.scheduledAt == clock.now().addingTimeInterval(60))
        #expect(snoozed.maxAttempts == 4)
        #expect(try #require(byStep[.number(2)]).state == .discarded)
        #expect(try #require(byStep[.number(2)]).errors.last?.message == "discarded: bad data")
        #expect(try #require(byStep[.number(3)]).state == .cancelled)
        clock.advance(by: .seconds(60))
        let again = try await conveyor.drain()
        #expect(again.map(\.id) == [snoozed.id])
        #expect(again[0].attempt == 2)
    }

    @Test func argumentsThatDoNotDecodeAreDiscardedNamingTheField() async throws {
        let conveyor = try await makeConveyor()
        let log = RunLog()
        conveyor.register(ScriptedWorker(log: log))
        try await conveyor.enqueue([JobInsert(kind: ScriptedWorker.kind, args: RawJSON(.object(["step": .string("two")])))])
        let ran = try await conveyor.drain()
        #expect(ran[0].state == .discarded)
        #expect(ran[0].errors[0].message.contains("'step'"))
        #expect(log.total == 0)
    }

    @Test func unknownKindsAreKeptAndRetried() async throws {
        let conveyor = try await makeConveyor()
        try await conveyor.enqueue([JobInsert(kind: "someone.elses", maxAttempts: 5)])
        let ran = try await conveyor.drain()
        #expect(ran[0].state == .retryable)
        #expect(ran[0].errors[0].message.contains("no worker registered for kind 'someone.elses'"))
    }

    /// Clock-driven: the timeout is an hour, the worker would wait a day on the same clock, and
    /// the test moves the clock instead of waiting for either.
    @Test func timeoutCancelsTheAttemptAndRetries() async throws {
        let clock = ManualClock()
        let conveyor = try await makeConveyor(clock: clock) { $0.timerClock = clock.timers }
        conveyor.register(DayLongWorker(timers: clock.timers))
        try await conveyor.enqueue(DayLongWorker.self, args: .init())
        async let drained = conveyor.drain()
        await clock.waitForSleepers(2)  // the worker and the deadline loop
        clock.advance(by: .seconds(3_599))
        await clock.waitForSleepers(2)
        clock.advance(by: .seconds(1))
        let ran = try await drained
        #expect(ran[0].state == .retryable)
        #expect(ran[0].errors[0].message.contains("timed out after 3600.0 seconds"))
    }

    /// An enqueue's own backoff and timeout replace the worker's, for that job only.
    @Test func anEnqueuesBackoffAndTimeoutReplaceTheWorkers() async throws {
        struct SlowWorker: JobWorker {
            struct Args: Codable, Sendable {}
            static let kind = "test.slow"
            static let options = JobOptions(maxAttempts: 3, backoff: .fixed(.seconds(1)), timeout: .seconds(3_600))
            let timers: ManualTimerClock
            func perform(_ args: Args, context: JobContext) async throws { try await timers.sleep(for: .seconds(86_400)) }
        }
        let clock = ManualClock()
        let conveyor = try await makeConveyor(clock: clock) { $0.timerClock = clock.timers }
        conveyor.register(SlowWorker(timers: clock.timers))
        let own = EnqueueOptions(backoff: .exponential(base: .seconds(7), factor: 3, jitter: 0), timeout: .seconds(30))
        let job = try await conveyor.enqueue(SlowWorker.self, args: .init(), options: own).job
        #expect(job.meta.value["timeout_seconds"] == .number(30))
        async let drained = conveyor.drain()
        await clock.waitForSleepers(2)
        let start = clock.now()
        clock.advance(by: .seconds(30))
        let ran = try await drained
        #expect(ran[0].errors[0].message.contains("timed out after 30.0 seconds"))
        #expect(ran[0].scheduledAt == start.addingTimeInterval(30 + 7), "retried after the enqueue's backoff, not the worker's")

        await #expect { try await conveyor.enqueue(SlowWorker.self, args: .init(), options: EnqueueOptions(backoff: .custom { _ in .seconds(1) })) }
            throws: { ($0 as? ConveyorError)?.field == "backoff" }
        await #expect { try await conveyor.enqueue(SlowWorker.self, args: .init(), options: EnqueueOptions(meta: ["timeout_seconds": .number(1)])) }
            throws: { ($0 as? ConveyorError)?.field == "meta.timeout_seconds" }
    }

    @Test func hugeErrorMessagesAreCut() async throws {
        let conveyor = try await makeConveyor()
        conveyor.register(ScriptedWorker { _, _ in throw TestFailure(description: String(repeating: "é", count: 1_000_000)) })
        try await conveyor.enqueue(ScriptedWorker.self, args: .init())
        let ran = try await conveyor.drain()
        #expect(ran[0].state == .retryable)
        #expect(ran[0].errors[0].message.count <= JobErrorEntry.maxMessageLength + 10)
    }

    @Test func scheduledJobsWaitForTheirTimeAndPriorityOrdersTheRest() async throws {
        let clock = ManualClock()
        let conveyor = try await makeConveyor(clock: clock)
        conveyor.register(ScriptedWorker())
        let later = try await conveyor.enqueue(ScriptedWorker.self, args: .init(step: 9), in: .seconds(300)).job
        #expect(later.state == .scheduled)
        let low = try await conveyor.enqueue(ScriptedWorker.self, args: .init(step: 1), options: .init(priority: 9)).job
        let high = try await conveyor.enqueue(ScriptedWorker.self, args: .init(step: 2), options: .init(priority: 0)).job
        #expect(try await conveyor.drain().map(\.id) == [high.id, low.id])
        clock.advance(by: .seconds(300))
        #expect(try await conveyor.drain().map(\.id) == [later.id])
    }
}
