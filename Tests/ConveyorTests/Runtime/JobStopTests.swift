@testable import Conveyor
import ConveyorTesting
import Testing

/// Work that would run for an hour sleeps on a clock nobody moves: it ends only when cancelled.
@Suite("Runtime: stopping a running job from outside its task")
struct JobStopTests {
    struct Boom: Error {}
    let clock = ManualClock()
    var timers: TimerClock { TimerClock(clock.timers) }

    @Test func workThatEndsReturnsWhatItThrew() async {
        let stop = JobStop()
        #expect(await stop.run(timeout: nil, on: timers) {} == nil)
        #expect(await JobStop().run(timeout: nil, on: timers) { throw Boom() } is Boom)
        #expect(await JobStop().run(timeout: .seconds(60), on: timers) { throw Boom() } is Boom, "work that ends first is not timed out")
        #expect(stop.reason == nil)
    }

    @Test func aStopCancelsTheWorkAndKeepsTheFirstReason() async {
        let stop = JobStop()
        let timers = clock.timers
        let (started, signal) = AsyncStream.makeStream(of: Void.self)
        async let thrown = stop.run(timeout: nil, on: self.timers) {
            signal.yield()
            try await timers.sleep(for: .seconds(3_600))
        }
        for await _ in started { break }
        stop.stop(.lost)
        stop.stop(.shutdown)
        #expect(await thrown is CancellationError)
        #expect(stop.reason == .lost)
    }

    @Test func aStopBeforeTheWorkWaitsCancelsItAtOnce() async {
        let stop = JobStop()
        let timers = clock.timers
        stop.stop(.shutdown)
        let thrown = await stop.run(timeout: nil, on: self.timers) { try await timers.sleep(for: .seconds(3_600)) }
        #expect(thrown is CancellationError)
        #expect(stop.reason == .shutdown)
    }

    @Test func theTimeoutCancelsTheWorkAndSaysSo() async {
        let stop = JobStop()
        let timers = clock.timers
        async let thrown = stop.run(timeout: .seconds(30), on: self.timers) { try await timers.sleep(for: .seconds(3_600)) }
        await clock.waitForSleepers(2)  // the work and the timeout
        clock.advance(by: .seconds(30))
        #expect(await thrown is AttemptTimeout)
        #expect(stop.reason == nil)
    }

    @Test func cancellingTheJobsOwnTaskReachesTheWork() async {
        let stop = JobStop()
        let timers = clock.timers
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                let thrown = await stop.run(timeout: nil, on: TimerClock(timers)) { try await timers.sleep(for: .seconds(3_600)) }
                #expect(thrown is CancellationError)
            }
            group.cancelAll()
        }
        #expect(stop.reason == nil, "the runtime tells shutdown from a lost job itself")
    }
}
