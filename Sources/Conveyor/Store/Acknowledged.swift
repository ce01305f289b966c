/// What storing a batch of outcomes did.
package struct Acknowledged: Sendable, Equatable {
    /// The jobs whose outcome was stored: their attempt was still the current one.
    package var applied: Set<Int64>
    /// Jobs the same transaction inserted: follow-ups, outcome hooks, batch callbacks (an
    /// existing unique job is not among them).
    package var inserted: [Job]

    package init(applied: Set<Int64> = [], inserted: [Job] = []) {
        self.applied = applied
        self.inserted = inserted
    }
}
