import Synchronization

/// Which nodes want job events, so that nobody sends them while nobody watches.
///
/// A node with subscribers (an API server's live stream, a dashboard) announces it on the
/// channel at once and then every ``renewal``; the others send while an announcement is less
/// than ``lease`` old. Without it, every node would receive every other node's events: traffic
/// that grows with the square of the nodes, for nothing when no one is watching.
final class EventDemand: Sendable {
    /// Payload prefixes on the channel, followed by the sending store's instance id: "I want
    /// events", and "who wants events?" (asked by a node that has just started listening).
    static let announcement = "w:"
    static let question = "h:"
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

    /// Takes in a payload from the channel if it is an announcement or a question (and not this
    /// store's own, `instanceID`); answers whether it was one of those.
    func hear(_ payload: String, instanceID: String) -> Bool {
        let isAnnouncement = payload.hasPrefix(Self.announcement)
        guard isAnnouncement || payload.hasPrefix(Self.question) else { return false }
        let sender = payload.dropFirst((isAnnouncement ? Self.announcement : Self.question).count)
        guard sender != instanceID else { return true }
        let now = ContinuousClock.now
        state.withLock { state in
            if isAnnouncement {
                state.heardFromOthers = now
            } else if state.wanted {
                state.announceNow = true
            }
        }
        return true
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
