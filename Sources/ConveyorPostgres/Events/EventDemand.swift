import Conveyor
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
        var lastAnnounced: Duration?
        /// The latest announcement of another node.
        var heardFromOthers: Duration?
    }

    private let state = Mutex(State())
    /// Whether any other node has ever announced: until one has, every job's question is
    /// answered without reading the clock or taking the lock.
    private let everHeard = Atomic<Bool>(false)
    private let timers: TimerClock
    /// Signalled when an announcement is due at once, so the sender wakes for it.
    private let due: WakeSignal

    init(timers: TimerClock, due: WakeSignal) {
        self.timers = timers
        self.due = due
    }

    /// Whether another node has announced, within the lease, that it wants events.
    var othersWant: Bool {
        guard everHeard.load(ordering: .acquiring) else { return false }
        let now = timers.now
        return state.withLock { state in state.heardFromOthers.map { now - $0 < Self.lease } ?? false }
    }

    /// This node has subscribers (or no longer has).
    func setWanted(_ wanted: Bool) {
        let announce = state.withLock { state in
            defer { state.wanted = wanted }
            if wanted, !state.wanted { state.announceNow = true }
            return state.announceNow
        }
        if announce { due.signal() }
    }

    /// Announce at the next chance if this node wants events (the last announcement could not be sent).
    func announceSoon() {
        state.withLock { state in
            if state.wanted { state.announceNow = true }
        }
    }

    /// When the next announcement is due (a ``TimerClock/now`` value); nil while this node
    /// wants no events.
    var nextAnnouncement: Duration? {
        state.withLock { state in
            guard state.wanted else { return nil }
            if state.announceNow { return .zero }
            return (state.lastAnnounced ?? .zero) + Self.renewal
        }
    }

    /// Another node announced that it wants events.
    func heardAnnouncement() {
        let now = timers.now
        state.withLock { $0.heardFromOthers = now }
        everHeard.store(true, ordering: .releasing)
    }

    /// Another node asked which nodes want events: answer at once if this one does.
    func heardQuestion() {
        let announce = state.withLock { state in
            if state.wanted { state.announceNow = true }
            return state.wanted
        }
        if announce { due.signal() }
    }

    /// Whether to announce now; if so, it counts as announced.
    func takeAnnouncement() -> Bool {
        let now = timers.now
        return state.withLock { state in
            guard state.wanted, state.announceNow || state.lastAnnounced.map({ now - $0 >= Self.renewal }) ?? true else { return false }
            state.announceNow = false
            state.lastAnnounced = now
            return true
        }
    }
}
