import Synchronization

/// Events waiting to be sent to the other nodes. Bounded: if the database cannot keep up, the
/// oldest are dropped (events are best effort; job state in the database is the truth).
package final class EventOutbox: Sendable {
    private struct State {
        var events: [JobEvent] = []
        var dropped = 0
    }

    private let state = Mutex(State())
    private let capacity: Int
    /// Signalled when events arrive in an empty outbox.
    private let arrived: WakeSignal

    package init(capacity: Int = 50_000, arrived: WakeSignal) {
        self.capacity = capacity
        self.arrived = arrived
    }

    package var isEmpty: Bool { state.withLock { $0.events.isEmpty } }

    package func add(_ events: [JobEvent]) {
        let first = state.withLock { state in
            let first = state.events.isEmpty && !events.isEmpty
            state.events += events
            let excess = state.events.count - capacity
            if excess > 0 {
                state.events.removeFirst(excess)
                state.dropped += excess
            }
            return first
        }
        if first { arrived.signal() }
    }

    /// Everything waiting, and how many were dropped since the last take.
    package func take() -> (events: [JobEvent], dropped: Int) {
        state.withLock { state in
            defer { state = State() }
            return (state.events, state.dropped)
        }
    }
}
