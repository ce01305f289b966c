import Synchronization

/// An outcome waiting to be written, with what its event needs.
struct PendingAck: Sendable {
    let ack: JobAck
    let job: Job
}

/// Collects outcomes from many job tasks so one writer stores them in few transactions.
final class AckBuffer: Sendable {
    private struct State {
        var pending: [PendingAck] = []
        var waiter: CheckedContinuation<Void, Never>?
        var finished = false
        /// The attempts of the batch the writer took and has not finished writing.
        var writing: [JobAttempt] = []
    }

    private let state = Mutex(State())

    func add(_ ack: PendingAck) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.pending.append(ack)
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Stops waiting for more; `next` drains what is left, then returns nil.
    func finish() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.finished = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// The attempts whose outcome waits here (or is being written: see `writing`).
    var pendingAttempts: Set<JobAttempt> { state.withLock { Set($0.pending.map(\.ack.attempt) + $0.writing) } }

    /// Marks the batch taken last as written, so `pendingAttempts` stops counting it.
    func markWritten() {
        state.withLock { $0.writing.removeAll() }
    }

    /// Up to `limit` outcomes, waiting while there are none; nil once finished and drained.
    func next(limit: Int) async -> [PendingAck]? {
        while true {
            let batch = state.withLock { state -> [PendingAck]? in
                guard !state.pending.isEmpty else { return nil }
                let count = min(limit, state.pending.count)
                let batch = Array(state.pending.prefix(count))
                state.pending.removeFirst(count)
                state.writing = batch.map(\.ack.attempt)
                return batch
            }
            if let batch { return batch }
            if state.withLock({ $0.finished }) { return nil }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if !state.pending.isEmpty || state.finished { return true }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        }
    }
}
