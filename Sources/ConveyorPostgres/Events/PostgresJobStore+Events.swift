package import Conveyor
package import Foundation
import Logging
import PostgresNIO

extension PostgresJobStore: JobEventSharing {
    package var eventSharing: (any JobEventSharing)? { self }

    package var othersWantEvents: Bool { eventDemand.othersWant }

    /// How long the sender lets events gather before sending them.
    static let eventGathering: Duration = .milliseconds(20)

    package func share(_ events: [JobEvent]) {
        guard eventDemand.othersWant else { return }
        outbox.add(events)
    }

    package func wantEvents(_ wanted: Bool) {
        eventDemand.setWanted(wanted)
    }

    /// Events travel over NOTIFY, sent and heard by the loops ``run()`` keeps.
    package func carryEvents(now: @escaping @Sendable () -> Date) async {}

    /// Sends what the outbox holds, until cancelled: what a few milliseconds bring in one
    /// statement, as few payloads as fit. One transaction per round, not per payload: each
    /// transaction that notifies takes a transaction id and a durable commit. Also announces,
    /// while this node has subscribers, that it wants the other nodes' events. Sleeps while
    /// there is neither.
    func sendEvents() async {
        while !Task.isCancelled {
            if let due = eventDemand.nextAnnouncement {
                await senderWake.wait(until: due, on: timers)
            } else {
                await senderWake.wait()
            }
            guard !Task.isCancelled else { return }
            // Events come in bursts (a batch of outcomes): gather them into one statement.
            if !outbox.isEmpty { try? await timers.sleep(for: Self.eventGathering) }
            // The events before the announcement: an announcement heard on the channel then
            // also says that everything this node shared before it has been sent.
            guard await sendWaitingEvents() else { return }
            if eventDemand.takeAnnouncement() {
                do {
                    try await notify(.wantsEvents(node: instanceID))
                } catch {
                    // Tried again after a pause, not at once: the server may be away.
                    eventDemand.announceSoon()
                    try? await timers.sleep(for: reconnectDelay)
                }
            }
        }
    }

    /// Sends what the outbox holds in one statement; false once cancelled.
    private func sendWaitingEvents() async -> Bool {
        let (events, dropped) = outbox.take()
        if dropped > 0 {
            logger.warning("job events dropped: PostgreSQL did not take them fast enough", metadata: ["count": "\(dropped)"])
        }
        guard !events.isEmpty else { return true }
        let query = sql.notifyEach(EventPayload.encode(events, sender: instanceID))
        do {
            try await storage("sending job events") { [self] in try await execute(query) }
        } catch where !Task.isCancelled {
            logger.warning("job events could not be sent to other nodes", metadata: ["error": "\(error)"])
        } catch {
            return false
        }
        return true
    }
}
