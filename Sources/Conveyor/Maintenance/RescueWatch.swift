import Foundation

/// Decides when the leader may presume a node dead from its old heartbeats.
///
/// A node can only write a heartbeat while the database answers. After an outage longer than
/// `rescueAfter`, every node's last heartbeat is stale though the nodes are alive, holding
/// outcomes they finished meanwhile and about to store them. So silence counts only from when
/// the leader itself could reach the database: it rescues nothing until it has reached it for
/// `rescueAfter` in a row, counted from its start, from its last failed pass, or from the end
/// of a pass whose answer took more than half of `rescueAfter` (while the database is away, a
/// request may wait for a connection instead of failing; a slower answer than that would have
/// left the nodes less than half their allowance, while a faster one, as under load, leaves
/// them several heartbeats). A node that lived through the outage has had that long to
/// heartbeat again.
struct RescueWatch {
    /// Since when every pass reached the database in time; nil after a failed one.
    private var reachableSince: Date?

    /// A node that just started has reached the database: it migrated or read it to start.
    init(startedAt: Date) {
        reachableSince = startedAt
    }

    mutating func storeFailed() {
        reachableSince = nil
    }

    /// The database answered at `answered` what was asked at `asked`; an answer slower than
    /// `slowest` means it was away in between.
    mutating func storeAnswered(asked: Date, answered: Date, slowest: Duration) {
        if answered.timeIntervalSince(asked) > slowest.seconds { reachableSince = nil }
        if reachableSince == nil { reachableSince = answered }
    }

    /// Jobs of nodes whose last heartbeat is older than this, and claimed before it, may be
    /// rescued; nil while the leader has not reached the database for `rescueAfter`.
    func cutoff(now: Date, rescueAfter: Duration) -> Date? {
        guard let reachableSince, now.timeIntervalSince(reachableSince) >= rescueAfter.seconds else { return nil }
        return now.addingTimeInterval(-rescueAfter.seconds)
    }
}
