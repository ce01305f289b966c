import Foundation
import Synchronization

/// What a soak run has done so far: jobs enqueued and completed, and the pickup latencies of
/// the last 30 seconds.
final class SoakStats: Sendable {
    private struct State {
        var enqueued = 0
        var completed = 0
        var pickups = PickupWindow(seconds: SoakStats.windowSeconds)
    }

    static let windowSeconds = 30
    private let state = Mutex(State())

    func enqueued(_ count: Int) { state.withLock { $0.enqueued += count } }

    func started(pickupMilliseconds: Double, at date: Date) {
        state.withLock { $0.pickups.record(milliseconds: pickupMilliseconds, atSecond: Int(date.timeIntervalSince1970)) }
    }

    func completed() { state.withLock { $0.completed += 1 } }

    /// The totals, and pickup p50, p95 and p99 over the window ending at `date`.
    func snapshot(at date: Date) -> (enqueued: Int, completed: Int, pickup: [Double], samples: Int) {
        state.withLock { state in
            let (pickup, samples) = state.pickups.percentiles([0.5, 0.95, 0.99], atSecond: Int(date.timeIntervalSince1970))
            return (state.enqueued, state.completed, pickup, samples)
        }
    }
}
