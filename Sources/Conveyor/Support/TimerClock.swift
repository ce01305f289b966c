/// The clock every wait and throttle of the runtime runs on: poll and heartbeat intervals,
/// grace periods, job timeouts, progress throttling, retry delays. Wraps the configured
/// `any Clock<Duration>` (``ConveyorConfiguration/timerClock``), so that a test can drive
/// them all with a clock it moves by hand (`ManualClock` in ConveyorTesting) instead of
/// sleeping.
package struct TimerClock: Sendable {
    private let elapsed: @Sendable () -> Duration
    private let sleeper: @Sendable (Duration) async throws -> Void

    package init<C: Clock<Duration>>(_ clock: C) {
        let start = clock.now
        elapsed = { start.duration(to: clock.now) }
        sleeper = { try await clock.sleep(for: $0) }
    }

    /// The real passing of time.
    package static let continuous = TimerClock(ContinuousClock())

    /// Time since this wrapper was made: the instants of intervals and deadlines.
    package var now: Duration { elapsed() }

    /// Waits `duration` of this clock's time; throws `CancellationError` if cancelled first.
    package func sleep(for duration: Duration) async throws {
        try await sleeper(duration)
    }

    /// Waits until `deadline` (a ``now`` value) has passed.
    package func sleep(until deadline: Duration) async throws {
        try await sleeper(max(deadline - now, .zero))
    }
}
