public import Foundation

/// Where the runtime reads the time for everything it stores: scheduled times, backoff,
/// heartbeats, retention. Tests swap in a clock they move by hand (`ConveyorTesting`).
public protocol JobClock: Sendable {
    /// The current time.
    func now() -> Date
}

/// The system's wall clock.
public struct SystemClock: JobClock {
    /// The system's clock.
    public init() {}
    /// The current time.
    public func now() -> Date { Date() }
}
