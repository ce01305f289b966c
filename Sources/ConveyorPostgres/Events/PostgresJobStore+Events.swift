package import Conveyor
import Logging
import PostgresNIO

extension PostgresJobStore: JobEventSharing {
    package var eventSharing: (any JobEventSharing)? { self }

    package var othersWantEvents: Bool { eventDemand.othersWant }

    package func share(_ events: [JobEvent]) {
        guard eventDemand.othersWant else { return }
        outbox.add(events)
    }

    package func wantEvents(_ wanted: Bool) {
        eventDemand.setWanted(wanted)
    }

    /// Sends what the outbox holds every few milliseconds, until cancelled: all of it in one
    /// statement, as few payloads as fit. One transaction per round, not per payload: each
    /// transaction that notifies takes a transaction id and a durable commit. Also announces,
    /// while this node has subscribers, that it wants the other nodes' events.
    func sendEvents() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(20))
            if eventDemand.takeAnnouncement() {
                do {
                    try await notify(.wantsEvents(node: instanceID))
                } catch {
                    eventDemand.announceSoon()
                }
            }
            let (events, dropped) = outbox.take()
            if dropped > 0 {
                logger.warning("job events dropped: PostgreSQL did not take them fast enough", metadata: ["count": "\(dropped)"])
            }
            guard !events.isEmpty else { continue }
            var binds = PostgresBindings()
            binds.append(EventPayload.encode(events, sender: instanceID))
            do {
                try await storage("sending job events") { [self, binds] in try await execute(sql.notifyEach, binds) }
            } catch where !Task.isCancelled {
                logger.warning("job events could not be sent to other nodes", metadata: ["error": "\(error)"])
            } catch {
                return
            }
        }
    }
}
