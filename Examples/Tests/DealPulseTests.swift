import AsyncHTTPClient
import Conveyor
import ConveyorTesting
import DealPulse
import ExampleKit
import Foundation
import Testing

/// Seed 003: four queues at 2/5/10/3, 5 s × 5 backoff, last 100 completed / 500 failed kept,
/// the daily brief at 08:00 in New York, and the stats API in the seed's shape.
@Suite("Example: DealPulse workers (seed 003)")
struct DealPulseTests {
    struct Fixture {
        let claude: AnthropicStandIn
        let drive: GoogleDriveStandIn
        let db: any AppDatabase
        let node: Conveyor
        let clock: ManualClock

        func briefs() async throws -> [String] {
            try await db.query("SELECT deal_id, day FROM \(db.table("daily_briefs")) ORDER BY deal_id").map { "\($0["deal_id"]) \($0["day"])" }
        }
    }

    func withFixture(_ backend: Backend, start: String = "2026-03-02T12:00:00Z", _ body: (Fixture) async throws -> Void) async throws {
        let claude = AnthropicStandIn(), drive = GoogleDriveStandIn()
        try await StandIn.serve(claude.router) { claudeURL in
            try await StandIn.serve(drive.router) { driveURL in
                try await backend.withDatabase { store, db in
                    try await DealTables.create(in: db)
                    for (id, active) in [("deal-1", true), ("deal-2", true), ("deal-3", false)] {
                        try await db.execute("INSERT INTO \(db.table("deals")) (id, name, active, drive_folder) VALUES (?, ?, ?, ?)",
                                             [.text(id), .text("Project \(id)"), .bool(active), .text("folder-\(id)")])
                    }
                    let clock = ManualClock(start: date(start))
                    var configuration = try DealPulse.configuration(environment: [:])
                    configuration.clock = clock
                    configuration.timerClock = clock.timers
                    configuration.logger = quietLogger
                    let node = try await store.node(configuration)
                    let services = DealPulseServices(db: db, claude: Claude(baseURL: claudeURL, apiKey: "test-key", timeout: .seconds(10)),
                                                     driveBaseURL: driveURL, driveToken: "ya29.test", timeZone: TimeZone(identifier: "America/New_York")!)
                    node.register(DailyBriefJob(services: services))
                    node.register(DailyBriefCron(services: services))
                    node.register(DocumentProcessingJob(services: services))
                    node.register(EmailProcessingJob(services: services))
                    node.register(SourceSyncJob(services: services))
                    try await DealPulse.applyRetention(on: node)
                    try await body(Fixture(claude: claude, drive: drive, db: db, node: node, clock: clock))
                }
            }
        }
    }

    @Test func theFourQueuesRunAtTheSeedsConcurrencyAndBadSettingsNameTheirVariable() throws {
        let configuration = try DealPulse.configuration(environment: [:])
        #expect(configuration.queues == ["daily-brief": 2, "document-processing": 5, "email-processing": 10, "source-sync": 3])
        #expect(configuration.schedules.map(\.timeZone) == ["America/New_York"])
        for (variable, value) in [("TIMEZONE", "Mars/Olympus_Mons"), ("DAILY_BRIEF_TIME", "0 25 * * *")] {
            do {
                _ = try DealPulse.configuration(environment: [variable: value])
                Issue.record("\(variable)=\(value) accepted")
            } catch let error as ConveyorError {
                #expect(error.field == variable, "\(error)")
            }
        }
    }

    @Test(arguments: Backend.allCases)
    func theDailyBriefFiresAtEightInNewYorkForEachActiveDealOnce(backend: Backend) async throws {
        try await withFixture(backend) { f in
            try await f.node.runScheduler()
            // 12:00Z is 07:00 in New York (EST): the brief is due at 13:00Z.
            #expect(try await f.node.schedule(named: "daily-brief-cron").nextRunAt == date("2026-03-02T13:00:00Z"))
            f.clock.advance(by: .seconds(3_600))
            #expect(try await f.node.runScheduler().keys.contains("daily-brief-cron"))
            try await f.node.drain(queue: "daily-brief")
            #expect(try await f.briefs() == ["deal-1 2026-03-02", "deal-2 2026-03-02"], "inactive deal-3 gets none")
            // Asked again for the same day (the manual trigger's route): the brief is not made twice.
            #expect(try await DealPulseJobs.queueDailyBrief("deal-1", date: "2026-03-02", on: f.node).isDuplicate)
            // After the switch to daylight time (8 March), 08:00 in New York is 12:00Z.
            f.clock.set(date("2026-03-09T11:00:00Z"))
            try await f.node.runScheduler()
            #expect(try await f.node.schedule(named: "daily-brief-cron").nextRunAt == date("2026-03-09T12:00:00Z"))
        }
    }

    @Test(arguments: Backend.allCases)
    func aFailingBriefRetriesAfterFiveThenTwentyFiveSecondsAndIsKeptAsFailed(backend: Backend) async throws {
        try await withFixture(backend) { f in
            f.claude.faults.plan(.status(529, body: #"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#), times: 3, on: "messages")
            let job = try await DealPulseJobs.queueDailyBrief("deal-1", on: f.node).job
            for (attempt, wait) in [(1, 5.0), (2, 25.0)] {
                let failedAt = f.clock.now()
                try await f.node.drain(queue: "daily-brief")
                let stored = try await f.node.job(id: job.id)
                #expect(stored.state == .retryable && stored.attempt == attempt)
                #expect(stored.scheduledAt.timeIntervalSince(failedAt) == wait, "retry \(attempt) after \(wait) s")
                #expect(stored.errors.last?.message.contains("Anthropic answered 529") == true)
                f.clock.advance(by: .seconds(wait))
            }
            try await f.node.drain(queue: "daily-brief")
            #expect(try await f.node.job(id: job.id).state == .discarded, "3 attempts")
            #expect(try await DealPulseJobs.stats(on: f.node)["dailyBrief"]?.failed == 1)
        }
    }

    @Test(arguments: Backend.allCases)
    func eachQueueKeepsItsLast100CompletedAnd500FailedJobs(backend: Backend) async throws {
        try await withFixture(backend) { f in
            for n in 0..<130 {
                try await f.db.execute("INSERT INTO \(f.db.table("emails")) (id, deal_id, body) VALUES (?, 'deal-1', 'Thanks, all good.')", [.text("e\(n)")])
            }
            _ = try await f.node.enqueueAll(EmailProcessingJob.self, args: (0..<130).map { .init(emailId: "e\($0)", dealId: "deal-1", operation: .analyzeSentiment) })
            // Emails that do not exist are discarded at once: 510 failed jobs.
            _ = try await f.node.enqueueAll(EmailProcessingJob.self, args: (0..<510).map { .init(emailId: "gone\($0)", dealId: "deal-1", operation: .detectBlocker) })
            try await f.node.drain(queue: "email-processing")
            #expect(try await DealPulseJobs.stats(on: f.node)["emailProcessing"] == .init(waiting: 0, active: 0, completed: 130, failed: 510, delayed: 0))
            f.clock.advance(by: .seconds(60))
            try await f.node.runMaintenance()
            // Exact counts: the stats route's finished counts may be a moment old on a large queue.
            let kept = try await [JobState.completed, .discarded].asyncMap { state in
                try await f.node.countJobs(matching: JobFilter(states: [state], queues: ["email-processing"]))
            }
            #expect(kept == [100, 500])
            #expect(try await f.db.count("SELECT COUNT(*) FROM \(f.db.table("emails")) WHERE runs = 1 AND sentiment = 'positive'") == 130)
        }
    }

    @Test(arguments: Backend.allCases)
    func theStatsRouteAnswersInTheSeedsShape(backend: Backend) async throws {
        try await withFixture(backend) { f in
            try await DealPulseJobs.queueDocumentProcessing("doc-1", dealId: "deal-1", .summarize, on: f.node)
            let router = Router()
            DealPulseAPI.addRoutes(to: router, conveyor: f.node, db: f.db)
            try await StandIn.serve(router) { url in
                let trigger = try await HTTPClient.shared.execute(HTTPClientRequest(url: url + "/api/queue/trigger-daily-briefs").posting(), timeout: .seconds(5))
                #expect(trigger.status == .ok)
                let answer = try await HTTPClient.shared.execute(HTTPClientRequest(url: url + "/api/queue/stats"), timeout: .seconds(5))
                let body = try await answer.body.collect(upTo: 1 << 20)
                let json = try #require(try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any])
                #expect(json["success"] as? Bool == true)
                let stats = try #require(json["stats"] as? [String: [String: Int]])
                #expect(Set(stats.keys) == ["dailyBrief", "documentProcessing", "emailProcessing", "sourceSync"])
                #expect(stats["dailyBrief"]?["waiting"] == 2 && stats["documentProcessing"]?["waiting"] == 1)
                #expect(stats.values.allSatisfy { Set($0.keys).isSuperset(of: ["waiting", "active", "completed", "failed"]) })
            }
        }
    }

    @Test(arguments: Backend.allCases)
    func aDriveSyncTurnsNewFilesIntoSummarizedDocumentsAndOtherSourcesSayTheyAreNotBuilt(backend: Backend) async throws {
        try await withFixture(backend) { f in
            f.drive.add([.init(id: "d1", name: "CIM", folder: "folder-deal-1", modified: date("2026-03-01T10:00:00Z"), text: "Atlas moves freight. It grows."),
                         .init(id: "d2", name: "Tax memo", folder: "folder-deal-1", modified: date("2026-03-01T11:00:00Z"), text: "The tax structure is simple."),
                         .init(id: "x1", name: "Other deal", folder: "folder-deal-2", modified: date("2026-03-01T11:00:00Z"), text: "Not ours.")])
            try await DealPulseJobs.queueSourceSync("deal-1", .gdrive, .incremental, on: f.node)
            try await f.node.drain(queue: "source-sync")
            try await f.node.drain(queue: "document-processing")
            let summaries = try await f.db.query("SELECT id, summary FROM \(f.db.table("documents")) ORDER BY id").map { "\($0["id"]): \($0["summary"])" }
            #expect(summaries == ["d1: Atlas moves freight", "d2: The tax structure is simple"])
            // Incremental: only what changed since the last sync.
            f.drive.add([.init(id: "d3", name: "Contract", folder: "folder-deal-1", modified: date("2026-03-02T09:00:00Z"), text: "The contract renews.")])
            try await DealPulseJobs.queueSourceSync("deal-1", .gdrive, .incremental, on: f.node)
            let sync = try #require(try await f.node.drain(queue: "source-sync").first)
            #expect(sync.result == ["files": 1])
            let other = try await DealPulseJobs.queueSourceSync("deal-1", .sharepoint, .full, on: f.node).job
            try await f.node.drain(queue: "source-sync")
            let refused = try await f.node.job(id: other.id)
            #expect(refused.state == .discarded && refused.errors.last?.message.contains("Google Drive connector only") == true)
        }
    }
}

import Hummingbird
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

extension HTTPClientRequest {
    func posting() -> HTTPClientRequest {
        var request = self
        request.method = .POST
        return request
    }
}
