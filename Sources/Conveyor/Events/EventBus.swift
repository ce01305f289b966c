import Synchronization

/// Fans events out to every subscriber. Publishing with no subscriber costs one atomic load.
package final class EventBus<Event: Sendable>: Sendable {
    private struct State {
        var nextID = 0
        var subscribers: [Int: AsyncStream<Event>.Continuation] = [:]
    }

    private let state = Mutex(State())
    /// The subscribers' count, kept beside the lock: every job asks whether anyone listens.
    private let subscriberCount = Atomic<Int>(0)
    private let bufferSize: Int
    private let onSubscribersChanged: @Sendable (Bool) -> Void

    /// `onSubscribersChanged` is told when the first subscriber arrives (`true`) and when the
    /// last one leaves (`false`). It runs under the bus's lock, so the calls keep their order:
    /// it must be quick and must not use the bus.
    package init(bufferSize: Int = 10_000, onSubscribersChanged: @escaping @Sendable (Bool) -> Void = { _ in }) {
        self.bufferSize = bufferSize
        self.onSubscribersChanged = onSubscribersChanged
    }

    package var hasSubscribers: Bool { subscriberCount.load(ordering: .acquiring) > 0 }

    /// A stream of every event published from now on. A slow reader loses the oldest events
    /// past the buffer, never blocks the publisher.
    package func subscribe() -> AsyncStream<Event> {
        let (stream, continuation) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .bufferingNewest(bufferSize))
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            state.subscribers[state.nextID] = continuation
            subscriberCount.store(state.subscribers.count, ordering: .releasing)
            if state.subscribers.count == 1 { onSubscribersChanged(true) }
            return state.nextID
        }
        continuation.onTermination = { [weak self] _ in
            guard let self else { return }
            state.withLock { state in
                guard state.subscribers.removeValue(forKey: id) != nil else { return }
                subscriberCount.store(state.subscribers.count, ordering: .releasing)
                if state.subscribers.isEmpty { onSubscribersChanged(false) }
            }
        }
        return stream
    }

    package func publish(_ event: Event) {
        guard hasSubscribers else { return }
        let subscribers = state.withLock { Array($0.subscribers.values) }
        for subscriber in subscribers { subscriber.yield(event) }
    }

    package func publish(_ events: [Event]) {
        guard !events.isEmpty, hasSubscribers else { return }
        let subscribers = state.withLock { Array($0.subscribers.values) }
        for subscriber in subscribers {
            for event in events { subscriber.yield(event) }
        }
    }

}
