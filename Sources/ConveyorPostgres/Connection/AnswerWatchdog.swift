package import Conveyor
import Synchronization

/// One timer for every statement of a store awaiting an answer, instead of one per statement.
///
/// A deadline is almost never reached, yet a timer per statement cost a hot-path statement a
/// task and two wake-ups of the timer thread: on two cores that took a tenth of a node's CPU
/// while it processed jobs. Here one loop, part of the store's `run()`, sleeps until the
/// earliest deadline and is woken early only when an earlier one arrives.
package final class AnswerWatchdog: Sendable {
    private struct Watch {
        let deadline: Duration
        let expire: @Sendable () -> Void
    }

    private struct State {
        var nextID: UInt64 = 0
        var watches: [UInt64: Watch] = [:]
        /// The deadline the loop sleeps until; nil while it waits for a first watch.
        var armedFor: Duration?
    }

    private let state = Mutex(State())
    private let rearm = WakeSignal()
    let timers: TimerClock

    package init(timers: TimerClock) {
        self.timers = timers
    }

    /// Calls `expire` once `limit` has passed, unless `forget` is called first.
    func watch(for limit: Duration, expire: @escaping @Sendable () -> Void) -> UInt64 {
        let deadline = timers.now + limit
        let (id, earlier) = state.withLock { state in
            let id = state.nextID
            state.nextID += 1
            state.watches[id] = Watch(deadline: deadline, expire: expire)
            return (id, state.armedFor.map { deadline < $0 } ?? true)
        }
        if earlier { rearm.signal() }
        return id
    }

    func forget(_ id: UInt64) {
        _ = state.withLock { $0.watches.removeValue(forKey: id) }
    }

    /// Expires deadlines as they pass, until cancelled.
    package func run() async {
        while !Task.isCancelled {
            let next = state.withLock { state in
                state.armedFor = state.watches.values.map(\.deadline).min()
                return state.armedFor
            }
            if let next {
                await rearm.wait(until: next, on: timers)
            } else {
                await rearm.wait()
            }
            let now = timers.now
            let expired = state.withLock { state -> [Watch] in
                let expired = state.watches.filter { $0.value.deadline <= now }
                for id in expired.keys { state.watches.removeValue(forKey: id) }
                return Array(expired.values)
            }
            for watch in expired { watch.expire() }
        }
    }
}
