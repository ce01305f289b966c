import ConveyorTesting
import Foundation
import Testing

@Suite("Testing: a clock moved by hand")
struct ManualClockTests {
    @Test func sleepersWakeWhenTheClockPassesTheirDeadlineInOrder() async throws {
        let clock = ManualClock()
        let timers = clock.timers
        let (woken, record) = AsyncStream.makeStream(of: Int.self)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for seconds in [30, 10, 20] {
                group.addTask {
                    try await timers.sleep(for: .seconds(seconds))
                    record.yield(seconds)
                }
            }
            await clock.waitForSleepers(3)
            clock.advance(by: .seconds(15))
            var iterator = woken.makeAsyncIterator()
            #expect(await iterator.next() == 10)
            clock.advance(by: .seconds(15))
            let rest = [await iterator.next(), await iterator.next()]
            #expect(Set(rest.compactMap { $0 }) == [20, 30])
            try await group.waitForAll()
        }
        #expect(clock.now() == Date(timeIntervalSince1970: 1_800_000_030), "the date moved with the timers")
    }

    @Test func aDeadlineAlreadyPassedReturnsAtOnceAndCancellationEndsASleep() async throws {
        let clock = ManualClock()
        try await clock.timers.sleep(until: clock.timers.now, tolerance: nil)
        let timers = clock.timers
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await #expect(throws: CancellationError.self) { try await timers.sleep(for: .seconds(60)) } }
            await clock.waitForSleepers()
            group.cancelAll()
        }
    }
}
