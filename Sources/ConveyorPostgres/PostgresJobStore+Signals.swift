import Conveyor
import Foundation
import Logging
import PostgresNIO
import Synchronization

extension PostgresJobStore {
    /// Listens on the schema's channel and turns notifications into ``StoreSignal``s,
    /// reconnecting with backoff when the connection drops. On each connect it checks that a
    /// notification it sends itself arrives: behind a transaction-pooling PgBouncer they do not,
    /// and nodes then rely on polling alone (they always poll as well).
    func listenForSignals() async {
        var delay = reconnectDelay
        while !Task.isCancelled {
            do {
                try await withConnection { connection in
                    try await connection.listen(on: sql.channel) { notifications in
                        try await withThrowingTaskGroup(of: Void.self) { group in
                            let probe = "p:\(UUID().uuidString)"
                            let confirmed = Atomic<Bool>(false)
                            group.addTask {
                                try await Task.sleep(for: .seconds(2))
                                if !confirmed.load(ordering: .relaxed) {
                                    self.logger.warning("""
                                        PostgreSQL notifications do not arrive (is a transaction-pooling PgBouncer in between?); \
                                        nodes fall back to polling, so new jobs, pauses and cancels take up to a poll interval
                                        """)
                                }
                            }
                            try await notify(probe)
                            // Nodes that want events answer at once rather than at their next renewal.
                            try await notify(EventDemand.question + instanceID)
                            for try await notification in notifications {
                                let payload = notification.payload
                                if payload == probe {
                                    confirmed.store(true, ordering: .relaxed)
                                    delay = reconnectDelay
                                } else if let sender = EventPayload.sender(of: payload) {
                                    guard sender != instanceID else { continue }
                                    let events = EventPayload.events(in: payload)
                                    if !events.isEmpty { signalBus.publish(.events(events)) }
                                } else if eventDemand.hear(payload, instanceID: instanceID) {
                                    continue
                                } else if let signal = Self.signal(from: payload) {
                                    if case .queueChanged = signal { limited.invalidate() }
                                    signalBus.publish(signal)
                                }
                            }
                            group.cancelAll()
                        }
                    }
                }
            } catch is CancellationError {
                return
            } catch {
                if Task.isCancelled { return }
                logger.warning("notification listener lost its connection; reconnecting", metadata: [
                    "error": "\(String(reflecting: error))", "retry_in": "\(delay)",
                ])
            }
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(30))
        }
    }

    static func signal(from payload: String) -> StoreSignal? {
        let value = String(payload.dropFirst(2))
        switch payload.prefix(2) {
        case "a:": return .jobsAvailable(queue: value)
        case "q:": return .queueChanged(queue: value)
        case "c:": return Int64(value).map { .jobCancelled(id: $0) }
        default: return nil
        }
    }
}
