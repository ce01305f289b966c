public import Conveyor
import Logging

extension PostgresJobStore: JobEventSharing {
    public func share(_ events: [JobEvent]) {
        outbox.add(events)
    }

    /// Sends what the outbox holds every few milliseconds, in as few NOTIFYs as fit, until
    /// cancelled: one round trip per batch instead of one per event.
    func sendEvents() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(20))
            let (events, dropped) = outbox.take()
            if dropped > 0 {
                logger.warning("job events dropped: PostgreSQL did not take them fast enough", metadata: ["count": "\(dropped)"])
            }
            guard !events.isEmpty else { continue }
            for payload in EventPayload.encode(events, sender: instanceID) {
                do {
                    try await storage("sending job events") { [self] in try await notify(payload) }
                } catch {
                    logger.warning("job events could not be sent to other nodes", metadata: ["error": "\(error)"])
                    break
                }
            }
        }
    }
}
