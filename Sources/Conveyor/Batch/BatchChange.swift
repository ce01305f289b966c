/// How one transaction moves a batch's counts. A store adds it to the batch's row while the
/// batch is open and reads the row back: with the row locked by that update, two nodes that
/// finish a batch's last jobs at once see each other's counts, and only one sees it end.
package struct BatchChange: Sendable, Hashable {
    package var batchID: Int64
    package var total = 0
    package var completed = 0
    package var discarded = 0
    package var cancelled = 0

    package init(batchID: Int64) {
        self.batchID = batchID
    }

    /// Counts a job of the batch as it ends in `state` (`by` -1 when a final job runs again).
    mutating func count(_ state: JobState, by delta: Int = 1) {
        switch state {
        case .completed: completed += delta
        case .discarded: discarded += delta
        case .cancelled: cancelled += delta
        case .scheduled, .available, .executing, .retryable: break
        }
    }
}
