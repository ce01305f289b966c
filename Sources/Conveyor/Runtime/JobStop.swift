import Synchronization

/// Why the runtime stopped a running job; decides what is stored afterwards.
enum StopReason: Sendable {
    /// The node is shutting down: put the job back.
    case shutdown
    /// The job was cancelled or rescued in the store: nothing to store.
    case lost
}

/// Ends one running job early from outside its task, through structured concurrency: the
/// job's task runs the work as a child of a task group it owns, and waits until the work ends,
/// a stop arrives or the worker's timeout passes; then it cancels that group, so the worker
/// sees ordinary task cancellation.
final class JobStop: Sendable {
    private struct State {
        var reason: StopReason?
        var workEnded = false
        /// The timeout passed before the work ended.
        var timedOut = false
        var waiter: CheckedContinuation<Void, Never>?

        var isOver: Bool { workEnded || timedOut || reason != nil }
    }

    /// What a child of the job's group reports.
    private enum Ended: Sendable {
        case work((any Error)?)
        case timer
    }

    private let state = Mutex(State())

    /// Why the job was stopped, if it was.
    var reason: StopReason? { state.withLock { $0.reason } }

    /// Runs `work` until it ends, ``stop(_:)`` cancels it, or `timeout` (on `timers`) passes.
    /// Returns what it threw; ``AttemptTimeout`` when the timeout ended it.
    func run(timeout: Duration?, on timers: TimerClock, _ work: @escaping @Sendable () async throws -> Void) async -> (any Error)? {
        await withTaskGroup(of: Ended.self) { group in
            // Started on this thread: work that does not suspend (most short jobs) ends before
            // the wait below, which then costs neither a suspension nor a thread wake-up.
            group.addImmediateTask {
                defer { self.wake { $0.workEnded = true } }
                do {
                    try await work()
                    return .work(nil)
                } catch {
                    return .work(error)
                }
            }
            if let timeout {
                group.addTask {
                    // Cancelled once the work ends first: nothing to do then.
                    guard (try? await timers.sleep(for: timeout)) != nil else { return .timer }
                    self.wake { if !$0.workEnded { $0.timedOut = true } }
                    return .timer
                }
            }
            // Waiting here rather than in another child task keeps a job at two tasks; work
            // that has already ended needs no wait at all.
            if !state.withLock({ $0.isOver }) { await waitForEnd() }
            if timeout != nil || reason != nil { group.cancelAll() }
            var thrown: (any Error)?
            while let ended = await group.next() {
                if case .work(let error) = ended { thrown = error }
            }
            if let timeout, state.withLock({ $0.timedOut }) { return AttemptTimeout(timeout: timeout) }
            return thrown
        }
    }

    private func waitForEnd() async {
        await withCheckedContinuation { continuation in
            let over = state.withLock { state in
                guard !state.isOver else { return true }
                state.waiter = continuation
                return false
            }
            if over { continuation.resume() }
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
