@testable import Conveyor
import Testing

@Suite("Runtime: stopping a running job from outside its task")
struct JobStopTests {
    struct Boom: Error {}

    @Test func workThatEndsReturnsWhatItThrew() async {
        let stop = JobStop()
        #expect(await stop.run {} == nil)
        #expect(await JobStop().run { throw Boom() } is Boom)
        #expect(stop.reason == nil)
    }

    @Test func aStopCancelsTheWorkAndKeepsTheFirstReason() async {
        let stop = JobStop()
        let (started, signal) = AsyncStream.makeStream(of: Void.self)
        async let thrown = stop.run {
            signal.yield()
            try await Task.sleep(for: .seconds(3_600))
        }
        for await _ in started { break }
        stop.stop(.lost)
        stop.stop(.shutdown)
        #expect(await thrown is CancellationError)
        #expect(stop.reason == .lost)
    }

    @Test func aStopBeforeTheWorkWaitsCancelsItAtOnce() async {
        let stop = JobStop()
        stop.stop(.shutdown)
        let thrown = await stop.run { try await Task.sleep(for: .seconds(3_600)) }
        #expect(thrown is CancellationError)
        #expect(stop.reason == .shutdown)
    }

    @Test func cancellingTheJobsOwnTaskReachesTheWork() async {
        let stop = JobStop()
        let task = Task { await stop.run { try await Task.sleep(for: .seconds(3_600)) } }
        task.cancel()
        #expect(await task.value is CancellationError)
        #expect(stop.reason == nil, "the runtime tells shutdown from a lost job itself")
    }
}
