/// The clock every wait and throttle of the runtime runs on: poll and heartbeat intervals,
/// grace periods, job timeouts, progress throttling, retry delays. Wraps the configured
/// `any Clock<Duration>` (``ConveyorConfiguration/timerClock``), so that a test can drive
/// them all with a clock it moves by hand (`ManualClock` in ConveyorTesting) instead of
/// sleeping.
package struct TimerClock: Sendable {
    private enum Source: Sendable {
        /// The real passing of time, read directly: some throttles read it for every job.
        case continuous(start: ContinuousClock.Instant)
        case other(elapsed: @Sendable () -> Duration, sleep: @Sendable (Duration) async throws -> Void)
    }

    private let source: Source

    package init<C: Clock<Duration>>(_ clock: C) {
        if clock is ContinuousClock {
            source = .continuous(start: .now)
        } else {
            let start = clock.now
            source = .other(elapsed: { start.duration(to: clock.now) }, sleep: { try await clock.sleep(for: $0) })
        }
    }

    /// Time since this wrapper was made: the instants of intervals and deadlines.
    package var now: Duration {
        switch source {
        case .continuous(let start): ContinuousClock.now - start
        case .other(let elapsed, _): elapsed()
        }
    }

    /// Waits `duration` of this clock's time; throws `CancellationError` if cancelled first.
    package func sleep(for duration: Duration) async throws {
        switch source {
        case .continuous: try await Task.sleep(for: duration)
        case .other(_, let sleep): try await sleep(duration)
        }
    }

    /// Waits until `deadline` (a ``now`` value) has passed.
    package func sleep(until deadline: Duration) async throws {
        try await sleep(for: max(deadline - now, .zero))
    }
}
