import Conveyor
import ConveyorPostgres
import Foundation
import Synchronization
import Testing

/// Job events travel between nodes over NOTIFY: a node that does not run a job still sees its
/// start, progress and end; a node never hears its own events twice.
@Suite("PostgreSQL: job events reach every node", .enabled(if: TestPostgres.url != nil))
struct EventSharingTests {
    @Test(.timeLimit(.minutes(1)))
    func anotherNodeSeesAJobsWholeLife() async throws {
        let schema = "t_\(UInt64.random(in: 0 ... .max))"
        let storeA = try PostgresJobStore(client: TestPostgres.client, schema: schema)
        let storeB = try PostgresJobStore(client: TestPostgres.client, schema: schema)
        try await storeA.migrate()
        // Tabs and newlines are a payload's separators; a long message must still fit a NOTIFY.
        let message = String(repeating: "line\twith\nbreaks ", count: 60)
        let runner = try await makeConveyor(queues: ["default": 5], store: storeA) { $0.node = "node-a" }
        runner.register(ScriptedWorker { _, context in try await context.progress(0.5, message) })
        let watcher = try await makeConveyor(queues: ["elsewhere": 1], store: storeB) { $0.node = "node-b" }
        let watched = EventLog(watcher.events())
        let local = EventLog(runner.events())

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await storeA.run() }
            group.addTask { try await storeB.run() }
            defer { group.cancelAll() }
            try await running([runner, watcher]) {
                // The watcher's LISTEN connects in the background: enqueue until it hears one.
                try await eventually(timeout: .seconds(30)) {
                    if watched.completedIDs.isEmpty {
                        try await runner.enqueue(ScriptedWorker.self, args: .init())
                        try await Task.sleep(for: .milliseconds(100))
                    }
                    return !watched.completedIDs.isEmpty
                }
                let id = try #require(watched.completedIDs.first)
                let seen = watched.events(of: id)
                #expect(seen.map(\.kind).suffix(3) == [.started, .progress, .completed])
                #expect(seen.allSatisfy { $0.node == "node-a" && $0.queue == "default" && $0.jobKind == ScriptedWorker.kind })
                let progress = try #require(seen.first { $0.kind == .progress })
                #expect(progress.progress == 0.5)
                #expect(progress.message?.contains("\t") == false && progress.message?.contains("\n") == false)
                #expect((progress.message?.utf8.count ?? 0) > 100)
                try await eventually { local.events(of: id).contains { $0.kind == .completed } }
                try await Task.sleep(for: .milliseconds(200))
                #expect(local.events(of: id).filter { $0.kind == .completed }.count == 1, "a node must not hear its own events back")
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
