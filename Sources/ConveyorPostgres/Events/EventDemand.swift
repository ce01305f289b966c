import Synchronization

/// Which nodes want job events, so that nobody sends them while nobody watches.
///
/// A node with subscribers (an API server's live stream, a dashboard) announces it on the
/// channel at once and then every ``renewal``; the others send while an announcement is less
/// than ``lease`` old. Without it, every node would receive every other node's events: traffic
/// that grows with the square of the nodes, for nothing when no one is watching.
final class EventDemand: Sendable {
    static let renewal: Duration = .seconds(10)
    static let lease: Duration = .seconds(30)

    private struct State {
        var wanted = false
        var announceNow = false
        var lastAnnounced: ContinuousClock.Instant?
        /// The latest announcement of another node.
        var heardFromOthers: ContinuousClock.Instant?
    }

    private let state = Mutex(State())

    /// Whether another node has announced, within the lease, that it wants events.
    var othersWant: Bool {
        let now = ContinuousClock.now
        return state.withLock { state in state.heardFromOthers.map { now - $0 < Self.lease } ?? false }
    }

    /// This node has subscribers (or no longer has).
    func setWanted(_ wanted: Bool) {
        state.withLock { state in
            if wanted, !state.wanted { state.announceNow = true }
            state.wanted = wanted
        }
    }

    /// Announce at the next chance if this node wants events (the last announcement could not be sent).
    func announceSoon() {
        state.withLock { state in
            if state.wanted { state.announceNow = true }
        }
    }

    /// Another node announced that it wants events.
    func heardAnnouncement() {
        let now = ContinuousClock.now
        state.withLock { $0.heardFromOthers = now }
    }

    /// Another node asked which nodes want events: answer at once if this one does.
    func heardQuestion() {
        state.withLock { state in
            if state.wanted { state.announceNow = true }
        }
    }

    /// Whether to announce now; if so, it counts as announced.
    func takeAnnouncement() -> Bool {
        let now = ContinuousClock.now
        return state.withLock { state in
            guard state.wanted, state.announceNow || state.lastAnnounced.map({ now - $0 >= Self.renewal }) ?? true else { return false }
            state.announceNow = false
            state.lastAnnounced = now
            return true
        }
    }
}
