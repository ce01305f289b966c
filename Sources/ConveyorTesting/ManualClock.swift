public import Conveyor
public import Foundation
import Synchronization

/// A clock that moves only when the test moves it, so backoff, scheduled jobs, rescue,
/// retention, timeouts and every other wait of the runtime are tested without sleeping.
///
/// It is both clocks a `ConveyorConfiguration` takes: the date source (`clock`) and, through
/// ``timers``, the clock its waits run on (`timerClock`). ``advance(by:)`` moves both.
///
/// ```swift
/// let clock = ManualClock()
/// let conveyor = try await Conveyor(store: store, configuration: .init(clock: clock, timerClock: clock.timers))
/// clock.advance(by: .seconds(30))
/// ```
public final class ManualClock: JobClock {
    private let time: ManualTime

    /// Starts at `start` (by default a fixed, whole-second time, so runs are repeatable).
    public init(start: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        time = ManualTime(start: start)
    }

    /// The clock's current date.
    public func now() -> Date { time.date }

    /// The same clock for waits (`ConveyorConfiguration.timerClock`): its sleepers wake when
    /// ``advance(by:)`` passes their deadline.
    public var timers: ManualTimerClock { ManualTimerClock(time: time) }

    /// Moves the clock forward and wakes every sleeper whose deadline it passes.
    public func advance(by duration: Duration) { time.advance(by: duration) }

    /// Sets the date to `date`; the timers do not move (time does not run backwards for them).
    public func set(_ date: Date) { time.set(date) }

    /// Returns once at least `count` tasks sleep on ``timers``: advance after it, and the
    /// sleepers the test expects are there to be woken. Returns early if the task is cancelled.
    public func waitForSleepers(_ count: Int = 1) async { await time.waitForSleepers(count) }
}

/// The timer side of a ``ManualClock``: a `Clock` whose time moves only with the manual clock.
public struct ManualTimerClock: Clock {
    /// A point on the timer clock: the time the clock has been moved since it was made.
    public struct Instant: InstantProtocol {
        /// Time since the manual clock was made.
        public var offset: Duration

        /// The instant `duration` later.
        public func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        /// The time from this instant to `other`.
        public func duration(to other: Instant) -> Duration { other.offset - offset }
        public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    fileprivate let time: ManualTime

    /// The instant the clock has reached.
    public var now: Instant { Instant(offset: time.elapsed) }
    /// Zero: the clock moves only when the test moves it.
    public var minimumResolution: Duration { .zero }

    /// Returns once the clock is moved to `deadline` or past it, or throws when the task is cancelled.
    public func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        try await time.sleep(until: deadline.offset)
    }
}

/// The state both faces of a ``ManualClock`` share.
private final class ManualTime: Sendable {
    private struct Sleeper {
        let deadline: Duration
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var date: Date
        var elapsed: Duration = .zero
        var nextID = 0
        var sleepers: [Int: Sleeper] = [:]
        var countWaiters: [Int: (count: Int, continuation: CheckedContinuation<Void, Never>)] = [:]
    }

    private let state: Mutex<State>

    init(start: Date) {
        state = Mutex(State(date: start))
    }

    var date: Date { state.withLock { $0.date } }
    var elapsed: Duration { state.withLock { $0.elapsed } }

    func set(_ date: Date) { state.withLock { $0.date = date } }

    func advance(by duration: Duration) {
        let due = state.withLock { state -> [CheckedContinuation<Void, any Error>] in
            state.elapsed += duration
            let (seconds, attoseconds) = duration.components
            state.date = state.date.addingTimeInterval(Double(seconds) + Double(attoseconds) / 1e18)
            let due = state.sleepers.filter { $0.value.deadline <= state.elapsed }
            for id in due.keys { state.sleepers.removeValue(forKey: id) }
            return due.sorted { $0.value.deadline < $1.value.deadline }.map(\.value.continuation)
        }
        for continuation in due { continuation.resume() }
    }

    func sleep(until deadline: Duration) async throws {
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let (early, counted) = state.withLock { state -> (Result<Void, any Error>?, [CheckedContinuation<Void, Never>]) in
                    if deadline <= state.elapsed { return (.success(()), []) }
                    if Task.isCancelled { return (.failure(CancellationError()), []) }
                    state.sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
                    let reached = state.countWaiters.filter { $0.value.count <= state.sleepers.count }
                    for id in reached.keys { state.countWaiters.removeValue(forKey: id) }
                    return (nil, reached.values.map(\.continuation))
                }
                if let early { continuation.resume(with: early) }
                for waiter in counted { waiter.resume() }
            }
        } onCancel: {
            state.withLock { $0.sleepers.removeValue(forKey: id) }?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Returns early when the task is cancelled: a test waiting for a sleeper that never comes
    /// must end at its time limit, not hang the run.
    func waitForSleepers(_ count: Int) async {
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let reached = state.withLock { state in
                    guard state.sleepers.count < count, !Task.isCancelled else { return true }
                    state.countWaiters[id] = (count, continuation)
                    return false
                }
                if reached { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.countWaiters.removeValue(forKey: id) }?.continuation.resume()
        }
    }
}
