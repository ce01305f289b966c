import Conveyor
import ConveyorTesting
import ExampleKit
import Foundation
import HubSpotNotes
import Testing

/// Seed 000: notes of unprocessed contacts imported per user, with embeddings, from the
/// 2-hour scheduler and the 1-minute poller without doubled jobs.
@Suite("Example: HubSpot notes with embeddings (seed 000)")
struct HubSpotNotesTests {
    struct Fixture {
        let hubSpot: HubSpotStandIn
        let openAI: OpenAIStandIn
        let db: any AppDatabase
        let node: Conveyor
        let clock: ManualClock

        func notesJobs() async throws -> [Job] {
            try await node.jobs(matching: JobFilter(kinds: [HubSpotNotesJob.kind]))
        }

        func storedNotes() async throws -> [SQLRow] {
            try await db.query("SELECT user_id, hubspot_note_id, content, embedding, metadata FROM \(db.table("contact_notes")) ORDER BY hubspot_note_id")
        }
    }

    func withFixture(_ backend: Backend, _ body: (Fixture) async throws -> Void) async throws {
        let hubSpot = HubSpotStandIn(tokens: ["pat-u1", "pat-u2"])
        let openAI = OpenAIStandIn()
        hubSpot.addNotes([.init(id: "n1", body: "<p>Client wants to <b>rebalance</b> toward bonds</p>"), .init(id: "n2", body: " <p>&nbsp;</p> "),
                          .init(id: "n3", body: "Met at the Boston conference")], toContact: "101")
        hubSpot.addNotes([.init(id: "n3", body: "Met at the Boston conference"), .init(id: "n4", body: "Prefers email over calls")], toContact: "102")
        hubSpot.addNotes([.init(id: "n5", body: "Retiring in 2030")], toContact: "201")
        try await StandIn.serve(hubSpot.router) { hubSpotURL in
            try await StandIn.serve(openAI.router) { openAIURL in
                try await backend.withDatabase { store, db in
                    try await NotesTables.create(in: db)
                    for (id, token) in [("u1", "pat-u1"), ("u2", "pat-u2"), ("u3", nil)] {
                        try await db.execute("INSERT INTO \(db.table("users")) (id, email, hubspot_access_token) VALUES (?, ?, ?)",
                                             [.text(id), .text("\(id)@advisor.test"), .optional(token)])
                    }
                    for (id, user, contact) in [("ce1", "u1", "101"), ("ce2", "u1", "102"), ("ce3", "u2", "201"), ("ce4", "u3", "301")] {
                        try await db.execute("INSERT INTO \(db.table("contact_embeddings")) (id, user_id, contact_id) VALUES (?, ?, ?)",
                                             [.text(id), .text(user), .text(contact)])
                    }
                    let clock = ManualClock(start: date("2026-03-02T08:00:00Z"))
                    let node = try await testNode(store, queues: ["default": 2], clock: clock, schedules: HubSpotNotesSchedules.all)
                    let notes = NotesImport(db: db, hubSpotBaseURL: hubSpotURL, openAIBaseURL: openAIURL, openAIKey: "sk-test",
                                            timeout: .seconds(10), logger: quietLogger)
                    node.register(HubSpotNotesJob(notes: notes, logger: quietLogger))
                    node.register(ScheduleNotesForAllUsers(db: db, logger: quietLogger))
                    try await body(Fixture(hubSpot: hubSpot, openAI: openAI, db: db, node: node, clock: clock))
                }
            }
        }
    }

    @Test(arguments: Backend.allCases)
    func theSchedulerAndThePollerFiringTogetherMakeOneJobPerUserThatImportsEachNoteOnce(backend: Backend) async throws {
        try await withFixture(backend) { f in
            try await f.node.runScheduler()
            f.clock.advance(by: .seconds(2 * 3_600))
            let fired = try await f.node.runScheduler()
            #expect(Set(fired.keys) == ["hubspot-notes-scheduler", "polling-worker"])
            try await f.node.drain()

            let jobs = try await f.notesJobs()
            #expect(jobs.count == 2 && jobs.allSatisfy { $0.state == .completed }, "one per user with HubSpot: \(jobs.map(\.args))")
            let u1 = try #require(jobs.first { $0.args.value == ["user_id": "u1"] })
            #expect(u1.result == ["contacts": 2, "notes_stored": 3, "embedded": 3, "skipped_empty": 1, "skipped_duplicate": 1])

            let notes = try await f.storedNotes()
            #expect(notes.map { $0["hubspot_note_id"].text } == ["n1", "n3", "n4", "n5"])
            #expect(notes[0]["content"] == .text("Client wants to rebalance toward bonds"))
            for note in notes {
                let vector = try JSONDecoder().decode([Float].self, from: Data((note["embedding"].text ?? "").utf8))
                #expect(vector == OpenAIStandIn.vector(for: note["content"].text ?? "", dimensions: 1_536))
            }
            let metrics = try await NotesMetrics.read(from: f.db)
            #expect(metrics.unprocessedContacts == ["u3": 1], "u3 has no HubSpot integration")
            #expect(metrics.notesStored == 4 && metrics.embeddingSuccessRate == 1)

            // The poller a minute later: new jobs (the last ones finished), nothing left to import.
            f.clock.advance(by: .seconds(60))
            try await f.node.runScheduler()
            try await f.node.drain()
            #expect(try await f.notesJobs().count == 4)
            #expect(try await f.storedNotes().count == 4)
            #expect(f.hubSpot.calls["notes.associations"] == 3, "processed contacts are not fetched again")
        }
    }

    @Test(arguments: Backend.allCases)
    func aUserHasOneWaitingJobHoweverOftenItIsScheduled(backend: Backend) async throws {
        try await withFixture(backend) { f in
            let first = try await HubSpotNotesJob.schedule(forUser: "u1", on: f.node)
            let second = try await HubSpotNotesJob.schedule(forUser: "u1", on: f.node)
            #expect(!first.isDuplicate && second.isDuplicate && second.job.id == first.job.id)
            let all = try await HubSpotNotesJob.scheduleForAllUsers(on: f.node, db: f.db, logger: quietLogger)
            #expect(all.map(\.isDuplicate) == [true, false])
            try await f.node.drain()
            #expect(try await HubSpotNotesJob.schedule(forUser: "u1", on: f.node).isDuplicate == false, "a finished job does not block the next")
        }
    }

    @Test(arguments: Backend.allCases)
    func aFailedEmbeddingKeepsTheTextAndARateLimitIsRetriedWithBackoff(backend: Backend) async throws {
        try await withFixture(backend) { f in
            f.openAI.faults.plan(.status(500, body: #"{"error":{"message":"The server had an error","type":"server_error"}}"#), on: "embeddings")
            f.hubSpot.faults.plan(.status(429, body: HubSpotStandIn.rateLimitBody), on: "notes.associations")
            // u1's job takes the 429 on its first contact; u2's job runs clean.
            try await HubSpotNotesJob.schedule(forUser: "u1", on: f.node)
            try await f.node.drain()
            var u1 = try #require(try await f.notesJobs().first)
            #expect(u1.state == .retryable && u1.attempt == 1)
            #expect(u1.errors.last?.message.contains("HubSpot answered 429") == true)
            #expect(try await f.storedNotes().isEmpty)

            f.clock.advance(by: .seconds(20))  // 15 s ± 10 % jitter
            try await f.node.drain()
            u1 = try await f.node.job(id: u1.id)
            #expect(u1.state == .completed && u1.attempt == 2)
            let notes = try await f.storedNotes()
            #expect(notes.count == 3)
            let fallback = try #require(notes.first { $0["embedding"].isNull }, "the note whose embedding failed is kept as text")
            #expect(fallback["content"].text?.isEmpty == false)
            #expect(fallback["metadata"].text?.contains("OpenAI answered 500") == true)
            let metrics = try await NotesMetrics.read(from: f.db)
            #expect(metrics.notesStored == 3 && metrics.notesEmbedded == 2)
        }
    }

    @Test(arguments: Backend.allCases)
    func aUserWhoseHubSpotKeepsFailingIsDiscardedAfterThreeAttemptsWithContactsStillUnprocessed(backend: Backend) async throws {
        try await withFixture(backend) { f in
            f.hubSpot.faults.plan(.status(500, body: HubSpotStandIn.serverErrorBody), times: 3, on: "notes.read")
            try await HubSpotNotesJob.schedule(forUser: "u1", on: f.node)
            for _ in 0..<3 {
                try await f.node.drain()
                f.clock.advance(by: .seconds(120))
            }
            let job = try #require(try await f.notesJobs().first)
            #expect(job.state == .discarded && job.attempt == 3 && job.errors.count == 3)
            #expect(try await NotesMetrics.read(from: f.db).unprocessedContacts == ["u1": 2, "u2": 1, "u3": 1])
        }
    }
}
