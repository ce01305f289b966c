import Synchronization

/// Thrown by ``withAnswerDeadline(_:_:)`` when the operation has not answered in time.
package struct AnswerDeadlineExceeded: Error {}

/// Runs `operation` and waits for it at most `limit` (and not at all once the caller is
/// cancelled). On timeout the operation is cancelled and left to end on its own.
///
/// postgres-nio 1.33 never answers a query written to a connection that closed an instant
/// before: the write reaches an emptied pipeline and the query's promise is dropped. Right after
/// a server restart the pool can hand out such a connection; without a deadline the caller, and
/// everything queued behind it, would wait forever.
package func withAnswerDeadline<T: Sendable>(_ limit: Duration, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    let race = AnswerRace<T>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            race.start(continuation)
            race.attach(Task {
                do {
                    race.finish(.success(try await operation()))
                } catch {
                    race.finish(.failure(error))
                }
            })
            race.attach(Task {
                try? await Task.sleep(for: limit)
                race.finish(.failure(AnswerDeadlineExceeded()))
            })
        }
    } onCancel: {
        race.finish(.failure(CancellationError()))
    }
}

/// The first of the operation, the timer and cancellation to finish resumes the caller and
/// cancels the other tasks.
private final class AnswerRace<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var tasks: [Task<Void, Never>] = []
        var outcome: Result<T, any Error>?
    }

    private let state = Mutex(State())

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
            if state.outcome == nil { state.tasks.append(task) }
            return state.outcome != nil
        }
        if finished { task.cancel() }
    }

    func finish(_ outcome: Result<T, any Error>) {
        let (continuation, tasks) = state.withLock { state -> (CheckedContinuation<T, any Error>?, [Task<Void, Never>]) in
            guard state.outcome == nil else { return (nil, []) }
            state.outcome = outcome
            defer { state.continuation = nil; state.tasks = [] }
            return (state.continuation, state.tasks)
        }
        continuation?.resume(with: outcome)
        for task in tasks { task.cancel() }
    }
}
