package import Conveyor
package import Foundation
import Synchronization

/// What carries job events between the processes on one SQLite file: a table of event lines
/// (``EventPayload``) that processes with subscribers read every ``pollInterval``, and a table
/// of those watchers, so that the others write their events only while someone watches.
final class SQLiteEventCarrier: Sendable {
    struct State {
        var wanted = false
        var othersWant = false
        /// The last event row read; nil until the first read after subscribers came.
        var lastSeen: Int64?
        /// Whether this instance's watcher row is stored, and when it is next refreshed.
        var announcedUntil: Duration?
    }

    let state = Mutex(State())
    let wake = WakeSignal()
    let outbox: EventOutbox
    /// This store instance, as sender and watcher.
    let instanceID = UUID().uuidString

    /// How often a watching process reads the others' events.
    static let pollInterval: Duration = .milliseconds(100)
    /// How often every process looks for watchers: a new subscriber sees the other processes'
    /// events within about this long.
    static let demandInterval: Duration = .seconds(1)
    /// A watcher's row says "until now + this", refreshed at a quarter of it.
    static let watcherLifetime: Duration = .seconds(10)
    /// Event rows older than this are deleted by the process that writes them.
    static let eventLifetime: Duration = .seconds(60)

    init() {
        outbox = EventOutbox(capacity: 50_000, arrived: wake)
    }
}

extension SQLiteJobStore: JobEventSharing {
    package nonisolated var eventSharing: (any JobEventSharing)? { self }

    package nonisolated var othersWantEvents: Bool { events.state.withLock { $0.othersWant } }

    package nonisolated func share(_ events: [JobEvent]) {
        guard othersWantEvents else { return }
        self.events.outbox.add(events)
    }

    package nonisolated func wantEvents(_ wanted: Bool) {
        events.state.withLock { state in
            state.wanted = wanted
            if wanted { state.lastSeen = nil }
        }
        events.wake.signal()
    }

    /// Until cancelled: says whether this instance watches, learns whether others do, writes
    /// this process's events while they do and reads theirs while this one watches. Best
    /// effort, like events everywhere: a failed round is tried again at the next.
    package nonisolated func carryEvents(now: @escaping @Sendable () -> Date) async {
        var nextDemandCheck = timers.now
        var nextPrune = timers.now + SQLiteEventCarrier.eventLifetime
        while !Task.isCancelled {
            let tick = timers.now
            let (wanted, announcedUntil) = events.state.withLock { ($0.wanted, $0.announcedUntil) }
            if wanted, announcedUntil.map({ tick >= $0 }) ?? true {
                if (try? await watch(until: now().addingTimeInterval(TimeInterval(SQLiteEventCarrier.watcherLifetime.components.seconds)))) != nil {
                    events.state.withLock { $0.announcedUntil = tick + SQLiteEventCarrier.watcherLifetime / 4 }
                }
            } else if !wanted, announcedUntil != nil {
                if (try? await unwatch()) != nil { events.state.withLock { $0.announcedUntil = nil } }
            }
            if tick >= nextDemandCheck, let others = try? await othersWatch(now: now()) {
                events.state.withLock { $0.othersWant = others }
                nextDemandCheck = tick + SQLiteEventCarrier.demandInterval
            }
            let (outgoing, _) = events.outbox.take()
            if !outgoing.isEmpty, events.state.withLock({ $0.othersWant }) {
                try? await write(outgoing, at: now())
                if tick >= nextPrune {
                    try? await forgetEvents(before: now().addingTimeInterval(-TimeInterval(SQLiteEventCarrier.eventLifetime.components.seconds)))
                    nextPrune = tick + SQLiteEventCarrier.eventLifetime
                }
            }
            if wanted, let incoming = try? await readOthersEvents(), !incoming.isEmpty {
                signalBus.publish(.events(incoming))
            }
            let pause = wanted || !events.outbox.isEmpty ? SQLiteEventCarrier.pollInterval : SQLiteEventCarrier.demandInterval
            await events.wake.wait(until: timers.now + pause, on: timers)
            // Outcomes come in bursts: gather a burst into one row.
            if !wanted, !events.outbox.isEmpty { try? await timers.sleep(for: .milliseconds(20)) }
        }
    }

    private func watch(until: Date) throws {
        try storage("announcing an event watcher") { _ = try connection.run(SQLiteSQL.watchEvents(events.instanceID, until: until)) }
    }

    private func unwatch() throws {
        try storage("withdrawing an event watcher") { _ = try connection.run(SQLiteSQL.unwatchEvents(events.instanceID)) }
    }

    private func othersWatch(now: Date) throws -> Bool {
        try storage("looking for event watchers") {
            try connection.query(SQLiteSQL.otherWatchers(of: events.instanceID, now: now)) { $0.int(0) }.first ?? 0 > 0
        }
    }

    private func write(_ outgoing: [JobEvent], at now: Date) throws {
        let body = EventPayload.lines(outgoing)
        try storage("sharing job events") { _ = try connection.run(SQLiteSQL.insertEvents(sender: events.instanceID, body: body, at: now)) }
    }

    private func forgetEvents(before: Date) throws {
        try storage("forgetting old job events") { _ = try connection.run(SQLiteSQL.forgetEvents(before: before)) }
    }

    /// The events other instances wrote since the last read; on the first read after
    /// subscribers came, none: only what happens from then on.
    private func readOthersEvents() throws -> [JobEvent] {
        try storage("reading job events") {
            guard let lastSeen = events.state.withLock({ $0.lastSeen }) else {
                let newest = try connection.query(SQLiteSQL.newestEvent) { $0.int64(0) }.first ?? 0
                events.state.withLock { $0.lastSeen = newest }
                return []
            }
            var newest = lastSeen
            var incoming: [JobEvent] = []
            let rows = try connection.query(SQLiteSQL.events(after: lastSeen)) { ($0.int64(0), $0.text(1), $0.text(2)) }
            for (id, sender, body) in rows {
                newest = id
                if sender != events.instanceID { incoming += EventPayload.events(in: body[...]) }
            }
            events.state.withLock { $0.lastSeen = newest }
            return incoming
        }
    }
}
