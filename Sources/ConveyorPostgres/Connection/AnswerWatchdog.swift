import Synchronization

/// One timer for every statement awaiting an answer, instead of one per statement.
///
/// A deadline is almost never reached, yet a timer per statement cost a hot-path statement a
/// task and two wake-ups of dispatch's timer thread: on two cores that thread took a tenth of
/// a node's CPU while it processed jobs. Here the timer is set for the earliest deadline and
/// only moved when an earlier one arrives; while statements come and go it fires about once per
/// `answerTimeout`.
package final class AnswerWatchdog: Sendable {
    /// The one every store uses.
    package static let shared = AnswerWatchdog()

    private struct Watch {
        let deadline: ContinuousClock.Instant
        let expire: @Sendable () -> Void
    }

    private struct State {
        var nextID: UInt64 = 0
        var watches: [UInt64: Watch] = [:]
        var timer: Task<Void, Never>?
        /// When `timer` fires, and which arming of it is current (a replaced timer may still fire).
        var firesAt: ContinuousClock.Instant?
        var generation: UInt64 = 0
    }

    private let state = Mutex(State())

    package init() {}

    /// Calls `expire` once `deadline` passes, unless `forget` is called first.
    func watch(until deadline: ContinuousClock.Instant, expire: @escaping @Sendable () -> Void) -> UInt64 {
        state.withLock { state in
            let id = state.nextID
            state.nextID += 1
            state.watches[id] = Watch(deadline: deadline, expire: expire)
            if state.firesAt.map({ deadline < $0 }) ?? true { arm(at: deadline, &state) }
            return id
        }
    }

    func forget(_ id: UInt64) {
        _ = state.withLock { $0.watches.removeValue(forKey: id) }
    }

    private func arm(at deadline: ContinuousClock.Instant, _ state: inout State) {
        state.timer?.cancel()
        state.generation += 1
        state.firesAt = deadline
        let generation = state.generation
        state.timer = Task { [self] in
            try? await Task.sleep(until: deadline)
            if !Task.isCancelled { fire(generation) }
        }
    }

    private func fire(_ generation: UInt64) {
        let expired = state.withLock { state -> [Watch] in
            guard state.generation == generation else { return [] }
            let now = ContinuousClock.now
            let expired = state.watches.filter { $0.value.deadline <= now }
            for id in expired.keys { state.watches.removeValue(forKey: id) }
            state.timer = nil
            state.firesAt = nil
            if let next = state.watches.values.map(\.deadline).min() { arm(at: next, &state) }
            return Array(expired.values)
        }
        for watch in expired { watch.expire() }
    }
}
