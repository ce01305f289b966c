import Conveyor
import Synchronization

/// Opens when the store's own pool starts running. A lease taken before
/// `PostgresClient.run()` has begun makes postgres-nio log a warning, and one taken when it
/// never begins waits for ever; operations wait here instead, for a bounded time.
final class PoolStart: Sendable {
    private struct State {
        var isOpen = false
        var nextWaiter: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, any Error>] = [:]
    }

    private let opened = Atomic<Bool>(false)
    private let state = Mutex(State())

    /// How many operations wait for the pool now.
    var waiting: Int { state.withLock { $0.waiters.count } }

    /// Opens the gate for good and lets every waiter go on.
    func open() {
        let waiters = state.withLock { state in
            state.isOpen = true
            defer { state.waiters = [:] }
            return state.waiters.values
        }
        opened.store(true, ordering: .releasing)
        for waiter in waiters { waiter.resume() }
    }

    /// Returns at once when open; otherwise waits up to `limit` for ``open()``.
    ///
    /// - Throws: ``ConveyorError`` (`storage`) when the pool has not started within `limit`,
    ///   `CancellationError` when the caller is cancelled first.
    func wait(atMost limit: Duration, on timers: TimerClock) async throws {
        if opened.load(ordering: .acquiring) { return }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.waitForOpen() }
            group.addTask {
                try await timers.sleep(for: limit)
                throw ConveyorError(.storage, "the PostgreSQL store is not running: start its run() (or put it in a ServiceGroup) before using it")
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    private func waitForOpen() async throws {
        let id = state.withLock { state -> UInt64 in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let early = state.withLock { state -> Result<Void, any Error>? in
                    if state.isOpen { return .success(()) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    state.waiters[id] = continuation
                    return nil
                }
                if let early { continuation.resume(with: early) }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume(throwing: CancellationError())
        }
    }
}
