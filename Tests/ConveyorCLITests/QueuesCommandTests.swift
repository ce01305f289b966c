import Conveyor
import ConveyorSQLite
import Foundation
import Testing

@Suite("CLI: queue retention")
struct QueuesCommandTests {
    /// `conveyor queues retention` stores a queue's rules and `conveyor queues` shows them;
    /// `serve --queue-retention` stores its rules when it starts.
    @Test func retentionIsSetShownAndStoredByServe() async throws {
        let folder = try makeFolder()
        let set = try await CLIProcess.run(["queues", "retention", "deals", "completed=last:100", "discarded=last:500+age:7d"], in: folder)
        #expect(set.status == 0, "\(set.stderr)")
        #expect(set.stdout.contains("queue deals keeps completed=last:100 discarded=last:500+age:7d"), "\(set.stdout)")
        let list = try await CLIProcess.run(["queues"], in: folder)
        #expect(list.stdout.contains("completed=last:100 discarded=last:500+age:7d"), "\(list.stdout)")
        let store = try SQLiteJobStore(path: folder.appendingPathComponent("conveyor.sqlite").path)
        #expect(try await store.queueSettings().first?.retention == QueueRetention(
            completed: .keepLast(100), discarded: QueueRetention.Rule(maxAge: .seconds(7 * 86_400), keepLast: 500)))

        let cleared = try await CLIProcess.run(["queues", "retention", "deals"], in: folder)
        #expect(cleared.stdout.contains("queue deals follows the node-wide retention"))
        #expect(try await store.queueSettings().first?.retention == nil)

        let serve = try CLIProcess.start(["serve", "--no-http", "--queue-retention", "briefs:completed=age:7d", "--queue-retention", "briefs:cancelled=all",
                                          "--keep-completed", "forever"], in: folder, log: "serve.log")
        defer { if CLIProcess.exitStatus(of: serve) == nil { serve.terminate() } }
        try await eventually(timeout: .seconds(30)) {
            try await store.queueSettings().first { $0.queue == "briefs" }?.retention == QueueRetention(completed: .maxAge(.seconds(7 * 86_400)), cancelled: .keepAll)
        }
        // Running, with its stop signals handled: the rules are stored before that.
        try await eventually(timeout: .seconds(30)) { try await !store.nodes().isEmpty }
        serve.terminate()
        #expect(try await CLIProcess.wait(serve) == 0)
    }
}
