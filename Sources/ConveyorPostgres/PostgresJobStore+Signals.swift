import Conveyor
import Foundation
import Logging
import PostgresNIO

extension PostgresJobStore {
    /// Listens on the schema's channel and turns notifications into ``StoreSignal``s,
    /// reconnecting with backoff when the connection drops. On each connect it checks that a
    /// notification it sends itself arrives: behind a transaction-pooling PgBouncer they do not,
    /// and nodes then rely on polling alone (they always poll as well). Once they do arrive, a
    /// connection that stops delivering even its own probes is closed and replaced
    /// (``ListenerLiveness``).
    func listenForSignals() async {
        var delay = reconnectDelay
        while !Task.isCancelled {
            do {
                try await withPoolConnection { connection in
                    try await connection.listen(on: sql.channel) { notifications in
                        try await withThrowingTaskGroup(of: Void.self) { group in
                            let probe = NodeMessage.probe(UUID().uuidString)
                            let probeText = probe.text
                            let liveness = ListenerLiveness(quiet: listenerCheckInterval, timers: timers)
                            group.addTask {
                                try await liveness.watch { try await self.notify($0) }
                                self.logger.warning("notification listener heard nothing, not even its own probe; reconnecting", metadata: [
                                    "silent_for": "\(self.listenerCheckInterval * 2)",
                                ])
                                // Ends the loop below: the connection is not going to say so itself.
                                try await connection.close()
                            }
                            // Whatever was sent while nobody listened is lost: nodes look at
                            // every queue instead, and queue limits are read afresh.
                            limited.invalidate()
                            signalBus.publish(.resumed)
                            try await notify(probe)
                            // From the moment the probe is sent, not from the connect: on a busy
                            // server the send alone can take a while.
                            group.addTask {
                                try await self.timers.sleep(for: .seconds(2))
                                if liveness.doubt() {
                                    self.logger.warning("""
                                        PostgreSQL notifications do not arrive (is a transaction-pooling PgBouncer in between?); \
                                        nodes fall back to polling, so new jobs, pauses and cancels take up to a poll interval
                                        """)
                                }
                            }
                            // Nodes that want events answer at once rather than at their next renewal.
                            try await notify(.asksWhoWantsEvents(node: instanceID))
                            for try await notification in notifications {
                                let payload = notification.payload
                                liveness.heard(payload)
                                if payload == probeText {
                                    if liveness.confirm() {
                                        logger.warning("PostgreSQL notifications arrive after all, only slowly: the server or this node is very busy")
                                    } else {
                                        logger.debug("notifications arrive")
                                    }
                                    delay = reconnectDelay
                                } else {
                                    dispatch(payload)
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
            try? await timers.sleep(for: delay)
            delay = min(delay * 2, .seconds(30))
        }
    }

    /// Acts on one notification: other nodes' events, event demand, or a signal for producers.
    private func dispatch(_ payload: String) {
        guard let message = NodeMessage(text: payload) else { return }
        switch message {
        case .probe:
            // Ours and other nodes': they only show that notifications arrive.
            return
        case .events(let node, let body):
            guard node != instanceID else { return }
            let events = EventPayload.events(in: body)
            if !events.isEmpty { signalBus.publish(.events(events)) }
        case .wantsEvents(let node):
            if node != instanceID { eventDemand.heardAnnouncement() }
        case .asksWhoWantsEvents(let node):
            if node != instanceID { eventDemand.heardQuestion() }
        case .jobsAvailable(let queue):
            signalBus.publish(.jobsAvailable(queue: queue))
        case .queueChanged(let queue):
            limited.invalidate()
            signalBus.publish(.queueChanged(queue: queue))
        case .jobCancelled(let id):
            signalBus.publish(.jobCancelled(id: id))
        }
    }
}
