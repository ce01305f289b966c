import Conveyor
import ConveyorSQLite
import ConveyorTesting
import Foundation
import GRDB
import Testing

// The README's smaller Swift snippets, compiled and run here; `everySnippetIsTested` checks
// that each README block appears in this file as written.

struct CRMClient: Sendable {
    func upsert(_ contactID: Int) async throws {}
}

struct SyncContact: JobWorker {
    struct Args: Codable, Sendable, Equatable { let contactID: Int }
    static let kind = "crm.sync_contact"
    static let options = JobOptions(queue: "crm", maxAttempts: 3, backoff: .exponential(base: .seconds(5), factor: 5, jitter: 0))
    let crm: CRMClient

    func perform(_ args: Args, context: JobContext) async throws {
        try await crm.upsert(args.contactID)
    }
}

@Suite("README snippets")
struct ReadmeSnippetTests {
    @Test func aJobEnqueuedInsideAGRDBTransactionCommitsWithIt() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("readme-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let conveyor = try await Conveyor(store: .sqlite(path: path), queues: ["crm": 1])
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in try db.execute(sql: "CREATE TABLE contacts (id INTEGER PRIMARY KEY, sync_status TEXT); INSERT INTO contacts VALUES (7, 'new')") }
        let id = 7
        try queue.inDatabase { db in
            // README begin
            try db.inTransaction {                                  // GRDB, or any libsqlite3 connection
                try db.execute(sql: "UPDATE contacts SET sync_status = 'queued' WHERE id = ?", arguments: [id])
                _ = try SQLiteJobStore.enqueue(SyncContact.self, args: .init(contactID: id), on: db.sqliteConnection!)
                return .commit
            }
            // README end
        }
        #expect(try await queue.read { db in try String.fetchOne(db, sql: "SELECT sync_status FROM contacts WHERE id = 7") } == "queued")
        try await conveyor.assertEnqueued(SyncContact.self, args: .init(contactID: 7))

        // A rolled-back transaction leaves neither the change nor the job.
        try queue.inDatabase { db in
            try db.inTransaction {
                try db.execute(sql: "UPDATE contacts SET sync_status = 'again' WHERE id = 7")
                _ = try SQLiteJobStore.enqueue(SyncContact.self, args: .init(contactID: 8), on: db.sqliteConnection!)
                return .rollback
            }
        }
        #expect(try await conveyor.enqueuedJobs(SyncContact.self).count == 1)
    }

    @Test func workersAreTestedWithoutSleeping() async throws {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("readme-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        let fake = CRMClient()
        // README begin
        let clock = ManualClock()                               // dates, and (clock.timers) every wait
        let conveyor = try await Conveyor(store: .sqlite(path: tmp), configuration: .init(clock: clock, timerClock: clock.timers))
        conveyor.register(SyncContact(crm: fake))
        try await conveyor.enqueue(SyncContact.self, args: .init(contactID: 1))
        try await conveyor.assertEnqueued(SyncContact.self, args: .init(contactID: 1))
        let jobs = try await conveyor.drain(queue: "crm")      // runs them, returns them as stored
        clock.advance(by: .seconds(5))                          // the first retry is now due
        // README end
        #expect(jobs.map(\.state) == [.completed])
    }

    /// Every Swift block of the README but the package lines and the main example (which
    /// `ReadmeTests` runs) appears in this file, line for line.
    @Test func everySnippetIsTested() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        let readme = try String(contentsOf: folder.appendingPathComponent("../../README.md").standardizedFileURL, encoding: .utf8)
        let here = try String(contentsOfFile: #filePath, encoding: .utf8)
        func lines(_ text: some StringProtocol) -> [String] {
            text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        var tested: [[String]] = []
        var region: [String]?
        for line in lines(here) {
            if line == "// README begin" { region = []; continue }
            if line == "// README end", let done = region { tested.append(done); region = nil; continue }
            region?.append(line)
        }
        let blocks = readme.components(separatedBy: "```swift\n").dropFirst().map { lines($0.components(separatedBy: "```")[0]) }
        let snippets = blocks.filter { $0.first != "// Package.swift" && $0.first != "import Conveyor" }
        #expect(snippets.count == 2)
        for snippet in snippets {
            #expect(tested.contains(snippet), "the README shows code this file does not run:\n\(snippet.joined(separator: "\n"))")
        }
    }
}
