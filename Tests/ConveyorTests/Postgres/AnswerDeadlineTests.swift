import ConveyorPostgres
import Foundation
import Testing

/// The guard against queries that never answer (a postgres-nio query written to a connection
/// that just closed): the caller is released on time, and at once when cancelled.
struct AnswerDeadlineTests {
    @Test func anAnswerInTimeIsReturned() async throws {
        let value = try await withAnswerDeadline(.seconds(5)) { 42 }
        #expect(value == 42)
    }

    @Test func anOperationsErrorIsThrown() async throws {
        struct Broken: Error {}
        await #expect(throws: Broken.self) { try await withAnswerDeadline(.seconds(5)) { throw Broken() } }
    }

    @Test func anOperationThatNeverAnswersTimesOut() async throws {
        let started = ContinuousClock.now
        await #expect(throws: AnswerDeadlineExceeded.self) {
            try await withAnswerDeadline(.milliseconds(200)) { await Self.never() }
        }
        #expect(ContinuousClock.now - started < .seconds(20))
    }

    @Test func cancellingTheCallerReleasesItAtOnce() async throws {
        let caller = Task { try await withAnswerDeadline(.seconds(3_600)) { await Self.never() } }
        try await Task.sleep(for: .milliseconds(50))
        caller.cancel()
        await #expect(throws: CancellationError.self) { try await caller.value }
    }

    /// An operation of several statements that each answer in time is not a lost connection,
    /// though it takes longer than the limit in all. The steps are far shorter than the limit
    /// (a step may be resumed late while the full suite keeps every thread busy).
    @Test func theLimitRunsFromTheLastAnswer() async throws {
        let limit = Duration.seconds(3), step = Duration.milliseconds(1_200)
        async let renewed = withAnswerDeadline(limit) {
            for _ in 0..<3 {
                try await Task.sleep(for: step)
                answerArrived()
            }
            return 3
        }
        await #expect(throws: AnswerDeadlineExceeded.self) {
            try await withAnswerDeadline(limit) {
                for _ in 0..<3 { try await Task.sleep(for: step) }
            }
        }
        #expect(try await renewed == 3)
    }

    /// One watchdog times every operation: a short deadline arriving while a long one waits
    /// moves its timer earlier, and after firing the timer is set again for the next deadline.
    @Test(.timeLimit(.minutes(1)))
    func everyDeadlineFiresOnTimeWhateverTheOrder() async throws {
        // Its own watchdog: the shared one also times the other tests' operations.
        let watchdog = AnswerWatchdog()
        let long = Task { try await withAnswerDeadline(.seconds(3_600), on: watchdog) { await Self.never() } }
        defer { long.cancel() }
        try await Task.sleep(for: .milliseconds(20))
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Duration.self) { group in
            for limit in [Duration.milliseconds(400), .milliseconds(200)] {
                group.addTask {
                    await #expect(throws: AnswerDeadlineExceeded.self) { try await withAnswerDeadline(limit, on: watchdog) { await Self.never() } }
                    return ContinuousClock.now - started
                }
            }
            for try await waited in group { #expect(waited < .seconds(20)) }
        }
    }

    /// Suspends forever and ignores cancellation, like the dropped query.
    static func never() async {
        await withCheckedContinuation { (_: CheckedContinuation<Void, Never>) in }
    }
}
