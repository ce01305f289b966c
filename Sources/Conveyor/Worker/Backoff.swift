/// How long a failed job waits before its next attempt.
///
/// ```swift
/// // 5 s, 25 s, 125 s: the retry ladder of a daily-brief worker.
/// .exponential(base: .seconds(5), factor: 5, jitter: 0)
/// ```
public struct Backoff: Sendable {
    private let compute: @Sendable (_ attempt: Int) -> Duration
    private let jitter: Double
    /// The rule as data, for the three named rules: what a job stores when an enqueue gives
    /// it a backoff of its own. Nil for ``custom(_:)``, which is code.
    let stored: StoredBackoff?

    /// The delay after failed attempt `attempt` (1 for the first), before jitter.
    public func baseDelay(afterAttempt attempt: Int) -> Duration { compute(max(1, attempt)) }

    /// The delay after failed attempt `attempt`, with jitter applied from `random` (0..<1),
    /// at most a hundred years.
    public func delay(afterAttempt attempt: Int, random: Double = Double.random(in: 0..<1)) -> Duration {
        // Held first, so that scaling a custom rule's answer cannot overflow.
        let base = min(baseDelay(afterAttempt: attempt), .seconds(3_153_600_000))
        guard jitter > 0 else { return base }
        // Spread retries over ±jitter so that jobs which failed together do not retry together.
        let scale = 1 + jitter * (2 * random - 1)
        return base * scale
    }

    private init(jitter: Double, stored: StoredBackoff?, compute: @escaping @Sendable (Int) -> Duration) {
        self.jitter = min(max(jitter, 0), 1)
        self.stored = stored
        self.compute = compute
    }

    /// `base × factor^(attempt-1)`, capped at `maxDelay`, spread by ±`jitter` (a fraction).
    public static func exponential(
        base: Duration = .seconds(15), factor: Double = 2, jitter: Double = 0.1, maxDelay: Duration = .seconds(86_400)
    ) -> Backoff {
        Backoff(jitter: jitter, stored: StoredBackoff(type: .exponential, baseSeconds: base.seconds, factor: factor, jitter: jitter,
                                                     maxSeconds: maxDelay.seconds)) { attempt in
            let multiplier = Foundation_pow(max(factor, 1), Double(attempt - 1))
            let seconds = base.seconds * multiplier
            return seconds >= maxDelay.seconds ? maxDelay : .seconds(seconds)
        }
    }

    /// The same delay after every attempt.
    public static func fixed(_ delay: Duration, jitter: Double = 0) -> Backoff {
        Backoff(jitter: jitter, stored: StoredBackoff(type: .fixed, baseSeconds: delay.seconds, jitter: jitter)) { _ in delay }
    }

    /// `base + step × (attempt-1)`, capped at `maxDelay`.
    public static func linear(
        base: Duration, step: Duration, jitter: Double = 0, maxDelay: Duration = .seconds(86_400)
    ) -> Backoff {
        Backoff(jitter: jitter, stored: StoredBackoff(type: .linear, baseSeconds: base.seconds, stepSeconds: step.seconds, jitter: jitter,
                                                     maxSeconds: maxDelay.seconds)) { attempt in min(base + step * (attempt - 1), maxDelay) }
    }

    /// Any rule: `delay(attempt)` for the attempt that just failed (1 for the first).
    public static func custom(_ delay: @escaping @Sendable (_ attempt: Int) -> Duration) -> Backoff {
        Backoff(jitter: 0, stored: nil, compute: delay)
    }
}

/// A named backoff rule as data: kept in a job's meta (`backoff`) when an enqueue gives the job
/// its own, and read by the HTTP API. Seconds are numbers.
package struct StoredBackoff: Sendable, Hashable, Codable {
    package enum Rule: String, Sendable, Hashable, Codable {
        case exponential, fixed, linear
    }

    package var type: Rule
    package var baseSeconds: Double
    package var factor: Double?
    package var stepSeconds: Double?
    package var jitter: Double?
    package var maxSeconds: Double?

    package init(type: Rule, baseSeconds: Double, factor: Double? = nil, stepSeconds: Double? = nil, jitter: Double? = nil, maxSeconds: Double? = nil) {
        self.type = type
        self.baseSeconds = baseSeconds
        self.factor = factor
        self.stepSeconds = stepSeconds
        self.jitter = jitter
        self.maxSeconds = maxSeconds
    }

    /// The rule, after checking every number.
    ///
    /// - Throws: ``ConveyorError`` (`invalidInput`) naming `backoff.FIELD`.
    package func backoff() throws(ConveyorError) -> Backoff {
        let base = try Duration.seconds(checked: baseSeconds, field: "backoff.base_seconds")
        let maxDelay = try maxSeconds.map { s throws(ConveyorError) in try Duration.seconds(checked: s, field: "backoff.max_seconds") } ?? .seconds(86_400)
        let step = try Duration.seconds(checked: stepSeconds ?? 0, field: "backoff.step_seconds")
        if let jitter, !(0...1).contains(jitter) { throw .invalid("backoff.jitter", "must be between 0 and 1, got \(jitter)") }
        if let factor, !(factor.isFinite && (1...100).contains(factor)) { throw .invalid("backoff.factor", "must be between 1 and 100, got \(factor)") }
        switch type {
        case .exponential: return .exponential(base: base, factor: factor ?? 2, jitter: jitter ?? 0.1, maxDelay: maxDelay)
        case .fixed: return .fixed(base, jitter: jitter ?? 0)
        case .linear: return .linear(base: base, step: step, jitter: jitter ?? 0, maxDelay: maxDelay)
        }
    }

    enum CodingKeys: String, CodingKey {
        case type, factor, jitter
        case baseSeconds = "base_seconds", stepSeconds = "step_seconds", maxSeconds = "max_seconds"
    }
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    package var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

extension Duration {
    /// `seconds` read from outside (JSON, the command line) as a duration: a finite number from
    /// 0 to ten years, so the conversion cannot overflow.
    ///
    /// - Throws: ``ConveyorError`` (`invalidInput`) naming `field`.
    public static func seconds(checked seconds: Double, field: String) throws(ConveyorError) -> Duration {
        guard seconds.isFinite, (0...315_360_000).contains(seconds) else {
            throw ConveyorError.invalid(field, "must be a number of seconds from 0 to 315360000 (ten years), got \(seconds)")
        }
        return .milliseconds(Int64((seconds * 1_000).rounded()))
    }
}
