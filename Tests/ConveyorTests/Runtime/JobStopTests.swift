@testable import Conveyor
import ConveyorTesting
import Testing

/// Work that would run for an hour sleeps on a clock nobody moves: it ends only when cancelled.
@Suite("Runtime: stopping a running job from outside its task")
struct JobStopTests {
    struct Boom: Error {}
    let clock = ManualClock()
    let deadlines: DeadlineWatch

    init() {
        deadlines = DeadlineWatch(timers: TimerClock(clock.timers))
    }

    /// Runs `body` beside the deadline loop, as a running node does.
    func withDeadlines<T: Sendable>(_ body: () async -> T) async -> T {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [deadlines] in await deadlines.run() }
            defer { group.cancelAll() }
            return await body()
        }
    }

    @Test func workThatEndsReturnsWhatItThrew() async {
        let stop = JobStop()
        #expect(await stop.run(timeout: nil, on: deadlines) {} == nil)
        #expect(await JobStop().run(timeout: nil, on: deadlines) { throw Boom() } is Boom)
        #expect(await JobStop().run(timeout: .seconds(60), on: deadlines) { throw Boom() } is Boom, "work that ends first is not timed out")
        #expect(stop.reason == nil)
    }

    @Test func aStopCancelsTheWorkAndKeepsTheFirstReason() async {
        let stop = JobStop()
        let timers = clock.timers
        let (started, signal) = AsyncStream.makeStream(of: Void.self)
        async let thrown = stop.run(timeout: nil, on: deadlines) {
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
        let thrown = await stop.run(timeout: nil, on: deadlines) { try await timers.sleep(for: .seconds(3_600)) }
        #expect(thrown is CancellationError)
        #expect(stop.reason == .shutdown)
    }

    @Test func theTimeoutCancelsTheWorkAndSaysSo() async {
        let stop = JobStop()
        let timers = clock.timers
        await withDeadlines {
            async let thrown = stop.run(timeout: .seconds(30), on: deadlines) { try await timers.sleep(for: .seconds(3_600)) }
            await clock.waitForSleepers(2)  // the work and the deadline loop
            clock.advance(by: .seconds(29))
            await clock.waitForSleepers(2)
            clock.advance(by: .seconds(1))
            #expect(await thrown is AttemptTimeout)
        }
        #expect(stop.reason == nil)
        #expect(deadlines.pending == 0)
    }

    /// Work that ends before its timeout takes the deadline off at once: nothing of the job
    /// stays behind for the rest of the timeout.
    @Test func workThatEndsTakesItsDeadlineOff() async {
        let (resume, go) = AsyncStream.makeStream(of: Void.self)
        async let thrown = JobStop().run(timeout: .seconds(3_600), on: deadlines) { for await _ in resume { break } }
        while deadlines.pending == 0 { await Task.yield() }
        go.yield()
        #expect(await thrown == nil)
        #expect(deadlines.pending == 0)
    }

    @Test func cancellingTheJobsOwnTaskReachesTheWork() async {
        let stop = JobStop()
        let timers = clock.timers
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                let thrown = await stop.run(timeout: nil, on: deadlines) { try await timers.sleep(for: .seconds(3_600)) }
                #expect(thrown is CancellationError)
            }
            group.cancelAll()
        }
        #expect(stop.reason == nil, "the runtime tells shutdown from a lost job itself")
    }
}
