import Conveyor
import ConveyorSQLite
import Foundation
import Testing

@Suite("CLI: batches")
struct BatchesCommandTests {
    @Test func listAndShowABatchWithItsCounts() async throws {
        let folder = try makeFolder()
        let store = try SQLiteJobStore(path: folder.appendingPathComponent("conveyor.sqlite").path)
        try await store.migrate()
        let (batch, results) = try await store.insertBatch([JobInsert(kind: "noop"), JobInsert(kind: "noop")],
                                                           callback: BatchCallback(kind: "noop", queue: "reports"), now: Date())
        _ = try await store.cancel(id: results[0].job.id, reason: "not needed", now: Date())

        let list = try await CLIProcess.run(["batches"], in: folder)
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.contains("PENDING") && list.stdout.contains("noop"), "\(list.stdout)")

        let shown = try await CLIProcess.run(["batches", "show", "\(batch.id)"], in: folder)
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains("2 jobs, 1 pending, 0 completed, 0 discarded, 1 cancelled"), "\(shown.stdout)")
        #expect(shown.stdout.contains("callback: noop on queue reports"))

        let json = try await CLIProcess.run(["batches", "list", "--json"], in: folder)
        let batches = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
        #expect(batches?.first?["cancelled"] as? Int == 1 && batches?.first?["total"] as? Int == 2)

        let missing = try await CLIProcess.run(["batches", "show", "999"], in: folder)
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("no batch has id 999"), "\(missing.stderr)")
    }
}
