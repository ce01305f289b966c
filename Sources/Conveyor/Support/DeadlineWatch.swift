import Synchronization

/// One timer for many deadlines that are almost never reached: a store's answer deadlines,
/// the runtime's job timeouts.
///
/// A timer per deadline costs a task and two wake-ups of the timer thread, and a cancelled
/// sleep is released only when its deadline passes: a job with an hour's timeout that ends in
/// ten milliseconds would hold its sleep for the hour, so memory would grow with the rate times
/// the timeout. Here one loop (``run()``) sleeps until the earliest deadline and is woken early
/// only when an earlier one arrives; ``forget(_:)`` takes a deadline off at once.
package final class DeadlineWatch: Sendable {
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
    private let timers: TimerClock

    package init(timers: TimerClock) {
        self.timers = timers
    }

    /// How many deadlines are being watched.
    package var pending: Int { state.withLock { $0.watches.count } }

    /// Calls `expire` once `limit` has passed, unless `forget` is called first.
    package func watch(for limit: Duration, expire: @escaping @Sendable () -> Void) -> UInt64 {
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

    package func forget(_ id: UInt64) {
        _ = state.withLock { $0.watches.removeValue(forKey: id) }
    }

    /// Expires deadlines as they pass, until cancelled. One loop per watch: its wake-up
    /// signal has room for one waiter.
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
