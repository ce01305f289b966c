import ConveyorPostgres
import ConveyorTesting
import Conveyor
import Foundation
import Testing

/// The guard against queries that never answer (a postgres-nio query written to a connection
/// that just closed): the caller is released on time, and at once when cancelled. Driven by a
/// clock moved by hand.
struct AnswerDeadlineTests {
    /// Runs `body` beside the watchdog's loop, as a store's `run()` does.
    func withWatchdog(_ clock: ManualClock, _ body: @escaping @Sendable (DeadlineWatch) async throws -> Void) async throws {
        let watchdog = DeadlineWatch(timers: TimerClock(clock.timers))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await watchdog.run() }
            defer { group.cancelAll() }
            try await body(watchdog)
        }
    }

    @Test func anAnswerInTimeIsReturnedAndAnErrorThrown() async throws {
        struct Broken: Error {}
        try await withWatchdog(ManualClock()) { watchdog in
            let answer = try await withAnswerDeadline(.seconds(5), on: watchdog) { 42 }
            #expect(answer == 42)
            await #expect(throws: Broken.self) { try await withAnswerDeadline(.seconds(5), on: watchdog) { throw Broken() } }
        }
    }

    @Test func anOperationThatNeverAnswersTimesOutWhenItsTimeHasPassed() async throws {
        let clock = ManualClock()
        try await withWatchdog(clock) { watchdog in
            async let waited: Void = withAnswerDeadline(.seconds(30), on: watchdog) { await Self.never() }
            await clock.waitForSleepers()
            clock.advance(by: .seconds(29))
            await clock.waitForSleepers()
            clock.advance(by: .seconds(1))
            do { try await waited; Issue.record("waited answered") } catch { #expect(error is AnswerDeadlineExceeded) }
        }
    }

    @Test func cancellingTheCallerReleasesItAtOnce() async throws {
        try await withWatchdog(ManualClock()) { watchdog in
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    await #expect(throws: CancellationError.self) { try await withAnswerDeadline(.seconds(3_600), on: watchdog) { await Self.never() } }
                }
                group.cancelAll()
            }
        }
    }

    /// An operation of several statements that each answer in time is not a lost connection,
    /// though it takes longer than the limit in all; one whose statements do not say they were
    /// answered ends at the limit.
    @Test func theLimitRunsFromTheLastAnswer() async throws {
        let clock = ManualClock()
        let timers = clock.timers
        try await withWatchdog(clock) { watchdog in
            async let silent: Void = withAnswerDeadline(.seconds(3), on: watchdog) {
                for _ in 0..<3 { try await timers.sleep(for: .seconds(2)) }
            }
            for _ in 0..<2 {
                await clock.waitForSleepers(2)  // the watchdog's loop and the operation
                clock.advance(by: .seconds(2))
            }
            do { try await silent; Issue.record("silent answered") } catch { #expect(error is AnswerDeadlineExceeded) }

            async let renewing = withAnswerDeadline(.seconds(3), on: watchdog) {
                for _ in 0..<3 {
                    try await timers.sleep(for: .seconds(2))
                    answerArrived()
                }
                return 3
            }
            for _ in 0..<3 {
                await clock.waitForSleepers(2)
                clock.advance(by: .seconds(2))
            }
            let steps = try await renewing
            #expect(steps == 3)
        }
    }

    /// One watchdog times every operation: a short deadline arriving while a long one waits
    /// wakes its loop earlier, and after firing the loop sleeps again for the next deadline.
    @Test func everyDeadlineFiresOnTimeWhateverTheOrder() async throws {
        let clock = ManualClock()
        try await withWatchdog(clock) { watchdog in
            let (started, start) = AsyncStream.makeStream(of: Void.self)
            var running = started.makeAsyncIterator()
            async let long: Void = withAnswerDeadline(.seconds(3_600), on: watchdog) { start.yield(); await Self.never() }
            await running.next()
            async let short: Void = withAnswerDeadline(.seconds(20), on: watchdog) { start.yield(); await Self.never() }
            async let middle: Void = withAnswerDeadline(.seconds(40), on: watchdog) { start.yield(); await Self.never() }
            await running.next()
            await running.next()
            clock.advance(by: .seconds(20))
            do { try await short; Issue.record("short answered") } catch { #expect(error is AnswerDeadlineExceeded) }
            clock.advance(by: .seconds(20))
            do { try await middle; Issue.record("middle answered") } catch { #expect(error is AnswerDeadlineExceeded) }
            clock.advance(by: .seconds(3_560))
            do { try await long; Issue.record("long answered") } catch { #expect(error is AnswerDeadlineExceeded) }
        }
    }

    /// Suspends forever and ignores cancellation, like the dropped query.
    static func never() async {
        await withCheckedContinuation { (_: CheckedContinuation<Void, Never>) in }
    }
}
