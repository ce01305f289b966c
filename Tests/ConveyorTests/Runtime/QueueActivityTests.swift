import Conveyor
import ConveyorTesting
import Foundation
import Testing

@Suite("Runtime: queue activity per minute")
struct QueueActivityTests {
    @Test(arguments: StoreKind.allCases)
    func completedAndFailedPerMinuteWithWaits(kind: StoreKind) async throws {
        // The test clock starts on a whole minute.
        let clock = ManualClock()
        let store = try await kind.make()
        let conveyor = try await makeConveyor(clock: clock, store: store)
        conveyor.register(ScriptedWorker { args, _ in if args.step == 1 { throw JobControl.discard(reason: "bad row") } })
        // Minute 0: two complete after waiting 10 s; minute 2: one completes, one fails, at once.
        for _ in 0..<2 { try await conveyor.enqueue(ScriptedWorker.self, args: .init(step: 0)) }
        clock.advance(by: .seconds(10))
        _ = try await conveyor.drain()
        clock.advance(by: .seconds(120))
        try await conveyor.enqueue(ScriptedWorker.self, args: .init(step: 0))
        try await conveyor.enqueue(ScriptedWorker.self, args: .init(step: 1))
        _ = try await conveyor.drain()

        let activity = try await conveyor.activity(queue: "default", minutes: 3)
        #expect(activity.minutes.map(\.completed) == [2, 0, 1])
        #expect(activity.minutes.map(\.failed) == [0, 0, 1])
        #expect(activity.minutes.first?.start == Date(timeIntervalSince1970: 1_800_000_000))
        #expect(activity.latency?.samples == 4)
        #expect(activity.latency?.maxSeconds == 10)
        #expect(activity.latency?.p50Seconds == 0)
        // The store counts every finished job, but gives the waits of the newest only.
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let newest = try await store.finishedActivity(queue: "default", since: start, waits: 2)
        #expect(newest.waits == [0, 0])
        #expect(newest.minutes == [30_000_000: .init(completed: 2, failed: 0), 30_000_002: .init(completed: 1, failed: 1)])
        // A shorter window leaves the older minute out; another queue has none.
        #expect(try await conveyor.activity(queue: "default", minutes: 1).minutes.map(\.completed) == [1])
        let other = try await conveyor.activity(queue: "other", minutes: 2)
        #expect(other.minutes.count == 2 && other.latency == nil)
        await #expect(throws: ConveyorError.self) { try await conveyor.activity(queue: "default", minutes: 0) }
    }
}
