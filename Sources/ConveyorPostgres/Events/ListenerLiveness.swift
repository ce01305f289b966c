import Conveyor
import Synchronization

/// Tells a LISTEN connection that died without a word from a channel that is merely quiet.
///
/// A connection cut off without a reset (a firewall or NAT dropping idle flows, a frozen
/// server) never reports an error: the listener would wait forever, and the node would live
/// on polling alone, deaf to pauses, cancels and other nodes' events. So after a quiet spell
/// the listener sends itself a probe; one that does not come back means the connection is dead.
final class ListenerLiveness: Sendable {
    private struct State {
        var lastHeard: Duration
        var probe: NodeMessage?
        var confirmed = false
        var doubted = false
    }

    private let state: Mutex<State>
    private let quiet: Duration
    private let timers: TimerClock

    /// Probes after `quiet` without a notification, and gives each probe as long to arrive.
    init(quiet: Duration, timers: TimerClock) {
        self.quiet = quiet
        self.timers = timers
        state = Mutex(State(lastHeard: timers.now))
    }

    /// Called when the notification sent on connecting has had its time: true, and remembered,
    /// if it has not come back. Only once it has are notifications known to arrive at all
    /// (behind a transaction-pooling PgBouncer they never do).
    func doubt() -> Bool {
        state.withLock { state in
            state.doubted = !state.confirmed
            return state.doubted
        }
    }

    /// Records that the notification sent on connecting came back; true if it was doubted first.
    func confirm() -> Bool {
        state.withLock { state in
            state.confirmed = true
            return state.doubted
        }
    }

    /// Records a notification that arrived.
    func heard(_ payload: String) {
        let now = timers.now
        state.withLock { state in
            state.lastHeard = now
            if state.probe?.text == payload { state.probe = nil }
        }
    }

    /// Waits out quiet spells, probing with `send`; returns only when a probe went unanswered.
    /// Never probes an unconfirmed listener; a probe that cannot be sent (the server is away)
    /// is not held against the connection.
    func watch(send: (NodeMessage) async throws -> Void) async throws {
        while true {
            try await timers.sleep(for: quiet)
            let now = timers.now
            let probe = state.withLock { state -> NodeMessage? in
                guard state.confirmed, now - state.lastHeard >= quiet else { return nil }
                state.probe = .probe("alive:\(UInt64.random(in: 0 ... .max))")
                return state.probe
            }
            guard let probe else { continue }
            do {
                try await send(probe)
            } catch {
                state.withLock { $0.probe = nil }
                continue
            }
            try await timers.sleep(for: quiet)
            if state.withLock({ $0.probe == probe }) { return }
        }
    }
}
