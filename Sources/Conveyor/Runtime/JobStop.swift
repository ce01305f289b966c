import Synchronization

/// Why the runtime stopped a running job; decides what is stored afterwards.
enum StopReason: Sendable {
    /// The node is shutting down: put the job back.
    case shutdown
    /// The job was cancelled or rescued in the store: nothing to store.
    case lost
}

/// Stops one running job from outside its task, through structured concurrency: the job's
/// task runs the work as the only child of a task group it owns, and waits until the work
/// ends or a stop arrives; a stop makes it cancel that group, so the worker sees ordinary
/// task cancellation.
final class JobStop: Sendable {
    private struct State {
        var reason: StopReason?
        var workEnded = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    /// Why the job was stopped, if it was.
    var reason: StopReason? { state.withLock { $0.reason } }

    /// Runs `work` until it ends or ``stop(_:)`` cancels it. Returns what it threw.
    func run(_ work: @escaping @Sendable () async throws -> Void) async -> (any Error)? {
        await withTaskGroup(of: (any Error)?.self) { group in
            // Started on this thread: work that does not suspend (most short jobs) ends before
            // the wait below, which then costs neither a suspension nor a thread wake-up.
            group.addImmediateTask {
                defer { self.wake { $0.workEnded = true } }
                do {
                    try await work()
                    return nil
                } catch {
                    return error
                }
            }
            // Waiting here rather than in a second child task keeps a job at two tasks; work
            // that has already ended needs no wait at all.
            if !state.withLock({ $0.workEnded || $0.reason != nil }) {
                await waitForEndOrStop()
            }
            if reason != nil { group.cancelAll() }
            return await group.next() ?? nil
        }
    }

    private func waitForEndOrStop() async {
        await withCheckedContinuation { continuation in
            let endedOrStopped = state.withLock { state in
                guard !state.workEnded, state.reason == nil else { return true }
                state.waiter = continuation
                return false
            }
            if endedOrStopped { continuation.resume() }
        }
    }

    /// Cancels the work, recording the first reason given.
    func stop(_ reason: StopReason) {
        wake { $0.reason = $0.reason ?? reason }
    }

    /// Changes the state and resumes the waiting task, if it waits; each waiter is resumed once.
    private func wake(_ change: (inout State) -> Void) {
        let waiter = state.withLock { state in
            change(&state)
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }
}
