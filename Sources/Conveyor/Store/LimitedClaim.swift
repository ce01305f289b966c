package import Foundation

/// A claim from a queue with limits, one step at a time.
///
/// A store runs every step inside one transaction that holds the queue's lock, so no other
/// claim moves the counts between reading them and claiming. It tells the claim what it read
/// (``counted(executing:started:)``) and claimed (``claimed(_:)``) and asks for the next step.
/// The order and every decision (a paused queue, the rate window, the allowance, whether
/// starts are recorded) are made here; a store only runs statements.
package struct LimitedClaim: Sendable {
    package enum Step: Equatable, Sendable {
        /// Delete the queue's recorded starts before this instant: they are out of the window.
        case forgetStarts(before: Date)
        /// Count the queue's executing jobs (on every node) and, when `startedSince` is given,
        /// the starts recorded since then.
        case count(startedSince: Date?)
        /// Claim up to `limit` jobs, by the plain claim's rules.
        case claim(limit: Int)
        /// Record that `count` jobs started at `at`.
        case recordStarts(count: Int, at: Date)
        /// Finished: the answer is what the claim step returned, or nothing if none came.
        case done
    }

    private enum Phase { case forget(before: Date), count, claim, record, done }

    private let limits: QueueLimits
    private let requested: Int
    private let now: Date
    private let windowStart: Date?
    private var phase: Phase
    private var allowed = 0
    private var claimedCount = 0

    package init(limits: QueueLimits, paused: Bool, requested: Int, now: Date) {
        self.limits = limits
        self.requested = requested
        self.now = now
        windowStart = limits.rateWindowStart(now: now)
        phase = paused || requested <= 0 ? .done : windowStart.map { .forget(before: $0) } ?? .count
    }

    package mutating func next() -> Step {
        switch phase {
        case .forget(let before):
            phase = .count
            return .forgetStarts(before: before)
        case .count:
            phase = .claim
            return .count(startedSince: windowStart)
        case .claim:
            guard allowed > 0 else { return finish() }
            phase = limits.rate == nil ? .done : .record
            return .claim(limit: allowed)
        case .record:
            guard claimedCount > 0 else { return finish() }
            phase = .done
            return .recordStarts(count: claimedCount, at: now)
        case .done:
            return .done
        }
    }

    /// What the count step read (the allowance counts starts only under a rate limit).
    package mutating func counted(executing: Int, started: Int) {
        allowed = limits.allowance(requested: requested, executing: executing, startedInWindow: started)
    }

    /// How many jobs the claim step took.
    package mutating func claimed(_ count: Int) {
        claimedCount = count
    }

    private mutating func finish() -> Step {
        phase = .done
        return .done
    }
}
