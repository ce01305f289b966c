package import Conveyor
import Synchronization

/// Thrown by ``withAnswerDeadline(_:on:_:)`` when the operation has not answered in time.
package struct AnswerDeadlineExceeded: Error {}

/// Runs `operation` and waits for it at most `limit` (and not at all once the caller is
/// cancelled). On timeout the operation is cancelled and left to end on its own.
///
/// postgres-nio 1.33 never answers a query written to a connection that closed an instant
/// before: the write reaches an emptied pipeline and the query's promise is dropped. Right after
/// a server restart the pool can hand out such a connection; without a deadline the caller, and
/// everything queued behind it, would wait forever. For the same reason the operation runs in
/// a task of its own, the one task of the store that nothing awaits to its end: a task stuck on
/// a dropped promise can be left behind, a child task could not.
///
/// The limit runs from the last answer: an operation of many statements calls
/// ``answerArrived()`` after each one, and only a statement left unanswered for `limit` ends it.
package func withAnswerDeadline<T: Sendable>(
    _ limit: Duration, on watchdog: DeadlineWatch, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    let race = AnswerRace<T>(watchdog: watchdog, limit: limit)
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            race.start(continuation)
            race.watch()
            race.attach(Task {
                do {
                    let value = try await AnswerClock.$current.withValue(AnswerClock(renew: race.watch)) { try await operation() }
                    race.finish(.success(value))
                } catch {
                    race.finish(.failure(error))
                }
            })
        }
    } onCancel: {
        race.finish(.failure(CancellationError()))
    }
}

/// Tells the operation's deadline (if the current task runs under one) that a statement was
/// answered, so the next one has the whole limit again.
package func answerArrived() {
    AnswerClock.current?.renew()
}

/// What ``answerArrived()`` reaches through a task-local value.
private struct AnswerClock: Sendable {
    @TaskLocal static var current: AnswerClock?
    let renew: @Sendable () -> Void
}

/// The first of the operation, the deadline and cancellation to finish resumes the caller,
/// cancels the operation's task and takes the deadline off the watchdog.
private final class AnswerRace<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var task: Task<Void, Never>?
        var watch: UInt64?
        var outcome: Result<T, any Error>?
    }

    private let state = Mutex(State())
    private let watchdog: DeadlineWatch
    private let limit: Duration

    init(watchdog: DeadlineWatch, limit: Duration) {
        self.watchdog = watchdog
        self.limit = limit
    }

    /// Sets the deadline to `limit` from now, replacing any earlier one.
    func watch() {
        let id = watchdog.watch(for: limit) { [self] in finish(.failure(AnswerDeadlineExceeded())) }
        let (finished, previous) = state.withLock { state -> (Bool, UInt64?) in
            guard state.outcome == nil else { return (true, nil) }
            defer { state.watch = id }
            return (false, state.watch)
        }
        if finished { watchdog.forget(id) }
        if let previous { watchdog.forget(previous) }
    }

    func start(_ continuation: CheckedContinuation<T, any Error>) {
        let early = state.withLock { state -> Result<T, any Error>? in
            if let outcome = state.outcome { return outcome }
            state.continuation = continuation
            return nil
        }
        if let early { continuation.resume(with: early) }
    }

    func attach(_ task: Task<Void, Never>) {
        let finished = state.withLock { state in
            if state.outcome == nil { state.task = task }
            return state.outcome != nil
        }
        if finished { task.cancel() }
    }

    func finish(_ outcome: Result<T, any Error>) {
        let (continuation, task, watch) = state.withLock { state -> (CheckedContinuation<T, any Error>?, Task<Void, Never>?, UInt64?) in
            guard state.outcome == nil else { return (nil, nil, nil) }
            state.outcome = outcome
            defer { state.continuation = nil; state.task = nil; state.watch = nil }
            return (state.continuation, state.task, state.watch)
        }
        continuation?.resume(with: outcome)
        task?.cancel()
        if let watch { watchdog.forget(watch) }
    }
}
