import Foundation

/// Decides when the leader may presume a node dead from its old heartbeats.
///
/// A node can only write a heartbeat while the database answers. After an outage longer than
/// `rescueAfter`, every node's last heartbeat is stale though the nodes are alive, holding
/// finished outcomes they are about to store. So silence counts only from when the leader
/// itself could reach the database: it rescues nothing until it has reached it for
/// `rescueAfter` in a row, counted from its start or from its last failed pass. A node that
/// lived through the outage has had that long to heartbeat again.
struct RescueWatch {
    /// Since when every pass reached the database; nil after a failed one.
    private var reachableSince: Date?

    /// A node that just started has reached the database: it migrated or read it to start.
    init(startedAt: Date) {
        reachableSince = startedAt
    }

    mutating func storeFailed() {
        reachableSince = nil
    }

    mutating func storeAnswered(at now: Date) {
        if reachableSince == nil { reachableSince = now }
    }

    /// Jobs of nodes whose last heartbeat is older than this, and claimed before it, may be
    /// rescued; nil while the leader has not reached the database for `rescueAfter`.
    func cutoff(now: Date, rescueAfter: Duration) -> Date? {
        guard let reachableSince, now.timeIntervalSince(reachableSince) >= rescueAfter.seconds else { return nil }
        return now.addingTimeInterval(-rescueAfter.seconds)
    }
}
