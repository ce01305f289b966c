/// When a read whose cost grows with the data (counting every finished job) may be answered
/// from its last result instead of running again.
///
/// A result is reused until ``costMultiple`` times what it took to read has passed since the
/// read began, so reading it again takes at most 1/``costMultiple`` of the database's time
/// however large the data grows, and a cheap read is hardly ever reused. While one caller
/// reads anew, the others get the last result rather than starting the same read.
///
/// A plain state machine: the caller holds it (in an actor or a `Mutex`), passes the time
/// in (``TimerClock/now`` values), and reports how its read ended.
package struct CostBoundedReuse<Value> {
    /// How many times its own cost a result is reused for.
    package static var costMultiple: Int { 20 }

    package enum Decision {
        /// Answer with this result.
        case reuse(Value)
        /// Read anew, then call ``read(_:startedAt:endedAt:)`` or ``readFailed(startedAt:endedAt:)``.
        case read
    }

    private var last: (value: Value, reusableUntil: Duration)?
    private var reading = false

    package init() {}

    package mutating func decide(at now: Duration) -> Decision {
        if let last, now < last.reusableUntil || reading { return .reuse(last.value) }
        reading = true
        return .read
    }

    package mutating func read(_ value: Value, startedAt: Duration, endedAt: Duration) {
        last = (value, startedAt + (endedAt - startedAt) * Self.costMultiple)
        reading = false
    }

    /// The read threw or was cancelled. Its time counts as a read's: the last result, if
    /// any, is reused for as long again, so a read that keeps failing (a table grown past the
    /// answer deadline) is not started over at once by every caller. With no result yet, the
    /// next caller reads again.
    package mutating func readFailed(startedAt: Duration, endedAt: Duration) {
        if let last {
            self.last = (last.value, max(last.reusableUntil, startedAt + (endedAt - startedAt) * Self.costMultiple))
        }
        reading = false
    }
}
