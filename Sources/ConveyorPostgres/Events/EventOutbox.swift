import Conveyor
import Synchronization

/// Events waiting to be sent to the other nodes. Bounded: if PostgreSQL cannot keep up, the
/// oldest are dropped (events are best effort; job state in the database is the truth).
final class EventOutbox: Sendable {
    private struct State {
        var events: [JobEvent] = []
        var dropped = 0
    }

    private let state = Mutex(State())
    private let capacity: Int

    init(capacity: Int = 50_000) {
        self.capacity = capacity
    }

    func add(_ events: [JobEvent]) {
        state.withLock { state in
            state.events += events
            let excess = state.events.count - capacity
            if excess > 0 {
                state.events.removeFirst(excess)
                state.dropped += excess
            }
        }
    }

    /// Everything waiting, and how many were dropped since the last take.
    func take() -> (events: [JobEvent], dropped: Int) {
        state.withLock { state in
            defer { state = State() }
            return (state.events, state.dropped)
        }
    }
}
