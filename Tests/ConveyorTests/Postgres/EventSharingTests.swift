import Conveyor
import ConveyorPostgres
import Foundation
import PostgresNIO
import Synchronization
import Testing

/// Job events travel between nodes over NOTIFY: a node that does not run a job still sees its
/// start, progress and end; a node never hears its own events twice.
@Suite("PostgreSQL: job events reach every node", .enabled(if: TestPostgres.url != nil))
struct EventSharingTests {
    @Test(.timeLimit(.minutes(1)))
    func anotherNodeSeesAJobsWholeLife() async throws {
        // Tabs and newlines are a payload's separators; a long message must still fit a NOTIFY.
        let message = String(repeating: "line\twith\nbreaks ", count: 60)
        let nodes = try await TwoNodes(worker: ScriptedWorker { _, context in try await context.progress(0.5, message) })
        let runner = nodes.runner
        let watched = EventLog(nodes.other.events())
        let local = EventLog(runner.events())

        try await nodes.run {
            // Only jobs that start after the runner has heard of the watcher are shared whole.
            try await eventually(timeout: .seconds(5)) { nodes.storeA.othersWantEvents }
            // The watcher's LISTEN connects in the background: enqueue until it hears one.
            let firstID = try await runner.enqueue(ScriptedWorker.self, args: .init()).job.id
            try await eventually(timeout: .seconds(30)) {
                let heard = watched.completedIDs.contains { $0 >= firstID }
                if !heard {
                    try await runner.enqueue(ScriptedWorker.self, args: .init())
                    try await Task.sleep(for: .milliseconds(100))
                }
                return heard
            }
            let id = try #require(watched.completedIDs.first { $0 >= firstID })
            let seen = watched.events(of: id)
            // The enqueuing call sends `inserted`; the job may start before it does.
            #expect(seen.map(\.kind).filter { $0 != .inserted }.suffix(3) == [.started, .progress, .completed])
            #expect(seen.allSatisfy { $0.node == "node-a" && $0.queue == "default" && $0.jobKind == ScriptedWorker.kind })
            let progress = try #require(seen.first { $0.kind == .progress })
            #expect(progress.progress == 0.5)
            #expect(progress.message?.contains("\t") == false && progress.message?.contains("\n") == false)
            #expect((progress.message?.utf8.count ?? 0) > 100)
            try await eventually { local.events(of: id).contains { $0.kind == .completed } }
            // The other node heard the runner's NOTIFY of that completion, so a NOTIFY it sends
            // now commits later, and PostgreSQL delivers a channel's notifications in commit
            // order: once the runner hears this one, it would have heard its own echo.
            try await eventually(timeout: .seconds(5)) { nodes.storeB.othersWantEvents }
            let marker = try await nodes.other.enqueue(ScriptedWorker.self, args: .init()).job.id
            try await eventually { local.events(of: marker).contains { $0.kind == .inserted } }
            #expect(local.events(of: id).filter { $0.kind == .completed }.count == 1, "a node must not hear its own events back")
        }
    }
}

extension EventSharingTests {
    /// Nobody sends events while nobody watches (each node would otherwise receive every other
    /// node's events, for nothing); once a node subscribes, the others hear of it and send.
    @Test(.timeLimit(.minutes(1)))
    func eventsTravelOnlyWhileSomeNodeWatches() async throws {
        let nodes = try await TwoNodes(worker: ScriptedWorker())
        let (runner, other, storeA, storeB) = (nodes.runner, nodes.other, nodes.storeA, nodes.storeB)
        let channel = ChannelLog()

        try await nodes.run(alongside: { try await channel.listen(on: "\(nodes.schema)_signals") }) {
            try await eventually { channel.isListening }
            for _ in 0..<20 { try await runner.enqueue(ScriptedWorker.self, args: .init()) }
            try await eventually { try await runner.queues().first { $0.name == "default" }?.count(.completed) == 20 }
            #expect(!storeA.othersWantEvents && !storeB.othersWantEvents, "a node without subscribers asks for nothing")
            #expect(channel.announcements == 0)
            // A node sends what it has shared before it announces that it watches: once the
            // channel hears the runner's announcement, any event it had shared was sent.
            let runnerWatches = runner.events()
            try await eventually { channel.announcements == 1 }
            #expect(channel.eventPayloads == 0, "no node watches, yet events were sent")
            #expect(!storeA.othersWantEvents)
            _ = consume runnerWatches

            let watched = EventLog(other.events())
            try await eventually(timeout: .seconds(5)) { storeA.othersWantEvents }
            let id = try await runner.enqueue(ScriptedWorker.self, args: .init()).job.id
            // `inserted` is sent by the enqueue, after the insert returns: a job that starts at
            // once can finish before it (``Conveyor/events()`` says events are not ordered so).
            try await eventually { Set(watched.events(of: id).map(\.kind)).isSuperset(of: [.inserted, .completed]) }
            let kinds = watched.events(of: id).map(\.kind)
            #expect(kinds.filter { $0 != .inserted } == [.started, .completed])
            #expect(kinds.count { $0 == .inserted } == 1)
            // The channel's own connection may hear them a moment after the watching node does.
            try await eventually { channel.eventPayloads > 0 }
        }
    }
}

/// Two nodes on one fresh schema: `runner` (node-a) runs the queue `default` with `worker`,
/// `other` (node-b) a queue nothing is enqueued on. Each store on the shared test pool.
struct TwoNodes {
    let schema = "t_\(UInt64.random(in: 0 ... .max))"
    let storeA: PostgresJobStore
    let storeB: PostgresJobStore
    let runner: Conveyor
    let other: Conveyor

    init(worker: ScriptedWorker) async throws {
        storeA = try PostgresJobStore(client: TestPostgres.client, schema: schema)
        storeB = try PostgresJobStore(client: TestPostgres.client, schema: schema)
        try await storeA.migrate()
        runner = try await makeConveyor(queues: ["default": 5], store: storeA) { $0.node = "node-a" }
        runner.register(worker)
        other = try await makeConveyor(queues: ["elsewhere": 1], store: storeB) { $0.node = "node-b" }
    }

    /// Runs both stores and both nodes (and `alongside`) while `body` runs.
    func run(alongside: @escaping @Sendable () async throws -> Void = {}, _ body: () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await alongside() }
            group.addTask { [storeA] in try await storeA.run() }
            group.addTask { [storeB] in try await storeB.run() }
            defer { group.cancelAll() }
            try await running([runner, other], body)
        }
    }
}

/// Counts the event payloads on a store's channel, as an outside listener sees them.
final class ChannelLog: Sendable {
    private let state = Mutex((listening: false, events: 0, announcements: 0))

    var isListening: Bool { state.withLock { $0.listening } }
    var eventPayloads: Int { state.withLock { $0.events } }
    /// Payloads in which a node says it wants events.
    var announcements: Int { state.withLock { $0.announcements } }

    func listen(on channel: String) async throws {
        try await TestPostgres.client.withConnection { connection in
            try await connection.listen(on: channel) { notifications in
                state.withLock { $0.listening = true }
                for try await notification in notifications {
                    if notification.payload.hasPrefix("e:") { state.withLock { $0.events += 1 } }
                    if notification.payload.hasPrefix("w:") { state.withLock { $0.announcements += 1 } }
                }
            }
        }
    }
}

/// Collects a stream of events in the background.
final class EventLog: Sendable {
    private let events = Mutex<[JobEvent]>([])

    init(_ stream: AsyncStream<JobEvent>) {
        Task { [self] in
            for await event in stream { append(event) }
        }
    }

    private func append(_ event: JobEvent) { events.withLock { $0.append(event) } }

    func events(of id: Int64) -> [JobEvent] { events.withLock { $0.filter { $0.jobID == id } } }
    var completedIDs: [Int64] { events.withLock { $0.filter { $0.kind == .completed }.map(\.jobID) } }
}
