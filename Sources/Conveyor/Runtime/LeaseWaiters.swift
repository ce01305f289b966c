import Foundation
import Synchronization

/// Lease requests waiting for jobs, by queue: every one waiting on a queue is woken when jobs
/// become available there (a ``WakeSignal`` wakes one task; many workers may wait on a queue).
final class LeaseWaiters: Sendable {
    private let waiting = Mutex<[UUID: (queues: Set<String>, signal: WakeSignal)]>([:])

    func register(_ queues: Set<String>) -> (id: UUID, signal: WakeSignal) {
        let id = UUID(), signal = WakeSignal()
        waiting.withLock { $0[id] = (queues, signal) }
        return (id, signal)
    }

    func remove(_ id: UUID) {
        _ = waiting.withLock { $0.removeValue(forKey: id) }
    }

    func wake(queue: String?) {
        let signals = waiting.withLock { waiting in waiting.values.filter { queue.map($0.queues.contains) ?? true }.map(\.signal) }
        for signal in signals { signal.signal() }
    }
}
