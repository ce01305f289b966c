public import Conveyor
public import Foundation
import Synchronization

/// A clock that moves only when the test moves it, so backoff, scheduled jobs, rescue and
/// retention are tested without sleeping.
///
/// ```swift
/// let clock = ManualClock()
/// let conveyor = try await Conveyor(store: store, configuration: .init(clock: clock))
/// clock.advance(by: .seconds(30))
/// ```
public final class ManualClock: JobClock {
    private let current: Mutex<Date>

    /// Starts at `start` (by default a fixed, whole-second time, so runs are repeatable).
    public init(start: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        current = Mutex(start)
    }

    public func now() -> Date { current.withLock { $0 } }

    /// Moves the clock forward.
    public func advance(by duration: Duration) {
        let (seconds, attoseconds) = duration.components
        current.withLock { $0 = $0.addingTimeInterval(Double(seconds) + Double(attoseconds) / 1e18) }
    }

    /// Sets the clock to `date`.
    public func set(_ date: Date) { current.withLock { $0 = date } }
}
