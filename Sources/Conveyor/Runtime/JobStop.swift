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
/// sees ordinary task cancellation. The timeout is a deadline on the node's ``DeadlineWatch``,
/// taken off when the work ends: a sleep per job would be held until its deadline even after
/// the job ended.
final class JobStop: Sendable {
    private struct State {
        var reason: StopReason?
        var workEnded = false
        /// The timeout passed before the work ended.
        var timedOut = false
        var waiter: CheckedContinuation<Void, Never>?

        var isOver: Bool { workEnded || timedOut || reason != nil }
    }

    private let state = Mutex(State())

    /// Why the job was stopped, if it was.
    var reason: StopReason? { state.withLock { $0.reason } }

    /// Runs `work` until it ends, ``stop(_:)`` cancels it, or `timeout` passes on `deadlines`
    /// (whose loop must be running). Returns what it threw; ``AttemptTimeout`` when the timeout
    /// ended it.
    func run(timeout: Duration?, on deadlines: DeadlineWatch, _ work: @escaping @Sendable () async throws -> Void) async -> (any Error)? {
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
            // Waiting here rather than in another child task keeps a job at two tasks; work
            // that has already ended needs no wait and no deadline.
            if !state.withLock({ $0.isOver }) {
                let deadline = timeout.map { deadlines.watch(for: $0) { self.wake { if !$0.workEnded { $0.timedOut = true } } } }
                await waitForEnd()
                if let deadline { deadlines.forget(deadline) }
            }
            let (timedOut, stopped) = state.withLock { ($0.timedOut, $0.reason != nil) }
            if timedOut || stopped { group.cancelAll() }
            var thrown: (any Error)?
            while let ended = await group.next() { thrown = ended }
            if let timeout, timedOut { return AttemptTimeout(timeout: timeout) }
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
