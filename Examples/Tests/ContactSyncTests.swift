import ContactSync
import Conveyor
import ConveyorTesting
import ExampleKit
import Foundation
import Testing

/// Seed 001's test plan (Tests 2–7), on the stand-in HubSpot, with the seed's settings.
@Suite("Example: HubSpot contact sync (seed 001)")
struct ContactSyncTests {
    static let token = "pat-na1-11111111-2222-3333-4444-555555555555"
    static let domain = "1ad6264b-a0b6-4551-860a-1326b2bfa28f"
    static let page = "ddc03eef-2550-46de-aca8-bbdb7cf525cb"

    /// The seed's three test contacts (Test 2).
    static let seedContacts = [
        Contacts.New(id: "c1", email: "hubspot-scheduler-test-1@scrapersky-test.com", name: "Scheduler Test 1", phone: "+1-555-9001", domainID: domain, pageID: page),
        Contacts.New(id: "c2", email: "hubspot-scheduler-test-2@scrapersky-test.com", name: "Scheduler Test 2", phone: "+1-555-9002", domainID: domain, pageID: page),
        Contacts.New(id: "c3", email: "hubspot-scheduler-test-3@scrapersky-test.com", name: "Scheduler Test 3", phone: nil, domainID: domain, pageID: page),
    ]

    static func contacts(_ count: Int, prefix: String) -> [Contacts.New] {
        (1...count).map { Contacts.New(id: "\(prefix)\($0)", email: "\(prefix)-\($0)@scrapersky-test.com", name: "Batch \($0)", phone: nil, domainID: domain, pageID: page) }
    }

    /// Everything one test needs: the stand-in, the database with its contacts table, a node
    /// with the loop registered, under a test clock.
    struct Fixture {
        let hubSpot: HubSpotStandIn
        let store: ExampleStore
        let db: any AppDatabase
        let settings: HubSpotSyncSettings
        let node: Conveyor
        let clock: ManualClock
        let registered: Bool

        /// Moves the clock `minutes` on, runs the scheduler and the pass it fires; answers the
        /// rows the pass took (nil: no pass ran).
        func pass(after minutes: Int) async throws -> Int? {
            clock.advance(by: .seconds(minutes * 60))
            try await node.runScheduler()
            let ran = try await node.drain(queue: "crm")
            guard let job = ran.first else { return nil }
            #expect(ran.count == 1 && job.state == .completed, "\(job.errors)")
            guard case .object(let result)? = job.result, case .number(let rows)? = result["rows"] else { return -1 }
            return Int(rows)
        }

        func row(_ id: String) async throws -> SQLRow {
            try #require(try await db.first("SELECT * FROM \(db.table("contacts")) WHERE id = ?", [.text(id)]))
        }

        func statuses() async throws -> [String: Int] {
            let rows = try await db.query("SELECT hubspot_processing_status AS s, COUNT(*) AS n FROM \(db.table("contacts")) GROUP BY hubspot_processing_status")
            return Dictionary(uniqueKeysWithValues: rows.map { ($0["s"].text ?? "", $0["n"].int ?? -1) })
        }
    }

    /// `timeout`: the client's limit per HubSpot call, long enough for a loaded machine.
    func withFixture(_ backend: Backend, apiKey: String? = token, timeout: Duration = .seconds(10), _ body: (Fixture) async throws -> Void) async throws {
        let hubSpot = HubSpotStandIn(tokens: [Self.token])
        try await StandIn.serve(hubSpot.router) { baseURL in
            try await backend.withDatabase { store, db in
                try await Contacts.create(in: db)
                let settings = try HubSpotSyncSettings(environment: [
                    "HUBSPOT_API_KEY": apiKey ?? "", "HUBSPOT_API_BASE_URL": baseURL,
                    "HUBSPOT_SYNC_SCHEDULER_INTERVAL_MINUTES": "5", "HUBSPOT_SYNC_SCHEDULER_BATCH_SIZE": "10",
                    "HUBSPOT_SYNC_SCHEDULER_MAX_INSTANCES": "1", "HUBSPOT_SYNC_MAX_RETRIES": "3",
                    "HUBSPOT_SYNC_RETRY_DELAY_MINUTES": "5", "HUBSPOT_SYNC_RETRY_EXPONENTIAL": "true",
                ])
                let clock = ManualClock(start: date("2025-11-19T09:00:00Z"))
                let node = try await testNode(store, queues: ["crm": 1], clock: clock)
                let service = HubSpotSyncService(db: db, settings: settings, timeout: timeout, logger: quietLogger, now: clock.now)
                let registered = try await HubSpotSyncScheduler.setUp(on: node, settings: settings, service: service, logger: quietLogger)
                try await node.runScheduler()  // declares the loop's schedule: first pass 5 minutes on
                try await body(Fixture(hubSpot: hubSpot, store: store, db: db, settings: settings, node: node, clock: clock, registered: registered))
            }
        }
    }

    @Test(arguments: Backend.allCases)
    func queuedContactsAreSyncedWithTheirCustomPropertiesAndAFailedOneRetriesAfterFiveMinutes(backend: Backend) async throws {
        try await withFixture(backend) { f in
            #expect(f.registered)
            // Tests 2 and 3: three queued contacts, one cycle.
            try await Contacts.queue(Self.seedContacts, in: f.db, at: f.clock.now())
            #expect(try await f.pass(after: 5) == 3)
            for contact in Self.seedContacts {
                let row = try await f.row(contact.id)
                #expect(row["hubspot_sync_status"] == .text("Complete") && row["hubspot_processing_status"] == .text("Complete"))
                #expect(row["retry_count"].int == 0 && row["hubspot_processing_error"].isNull)
                // Test 4: the contact in HubSpot, with the seed's properties.
                let id = try #require(row["hubspot_contact_id"].text)
                let pushed = try #require(f.hubSpot.contacts[id]).properties
                let number = contact.email.firstMatch(of: /test-(\d)/).map { String($0.1) } ?? "?"
                var expected = ["email": contact.email, "firstname": "Scheduler", "lastname": "Test \(number)",
                                "scrapersky_domain_id": Self.domain, "scrapersky_page_id": Self.page, "scrapersky_sync_date": "2025-11-19"]
                expected["phone"] = contact.phone
                #expect(pushed == expected)
            }

            // Test 5: an invalid key fails the first attempt; the retry 5 minutes later succeeds.
            f.hubSpot.accept([])
            let retry = Contacts.New(id: "r1", email: "retry-test@scrapersky-test.com", name: "Retry Test", phone: nil, domainID: Self.domain, pageID: Self.page)
            try await Contacts.queue([retry], in: f.db, at: f.clock.now())
            #expect(try await f.pass(after: 5) == 1)
            let failed = try await f.row("r1")
            #expect(failed["hubspot_processing_status"] == .text("Queued") && failed["retry_count"].int == 1)
            #expect(failed["hubspot_processing_error"].text?.contains("HubSpot answered 401") == true)
            let retryAt = try #require(failed["next_retry_at"].date)
            #expect(abs(retryAt.timeIntervalSince(f.clock.now()) - 300) < 1, "retry 5 minutes after the failure")
            f.hubSpot.accept([Self.token])
            #expect(try await f.pass(after: 5) == 1)
            let synced = try await f.row("r1")
            #expect(synced["hubspot_processing_status"] == .text("Complete") && synced["retry_count"].int == 1)
            #expect(synced["hubspot_contact_id"].text != nil && synced["hubspot_processing_error"].isNull)
        }
    }

    @Test(arguments: Backend.allCases)
    func twentyFiveContactsTakeThreeCyclesOfTenTenAndFive(backend: Backend) async throws {
        try await withFixture(backend) { f in
            try await Contacts.queue(Self.contacts(25, prefix: "b"), in: f.db, at: f.clock.now())
            #expect(try await f.pass(after: 5) == 10)
            #expect(try await f.statuses() == ["Complete": 10, "Queued": 15])
            #expect(try await f.pass(after: 5) == 10)
            #expect(try await f.pass(after: 5) == 5)
            #expect(try await f.statuses() == ["Complete": 25])
            #expect(f.hubSpot.contacts.count == 25 && f.hubSpot.calls["contacts.create"] == 25, "no contact pushed twice")
        }
    }

    @Test(arguments: Backend.allCases)
    func rateLimitsServerErrorsTimeoutsAndBadAnswersBecomeRetriesNeverStuckRows(backend: Backend) async throws {
        // The client's timeout leaves room for a busy test machine; the slow answer outlasts it.
        try await withFixture(backend, timeout: .seconds(4)) { f in
            f.hubSpot.faults.plan(.status(429, body: HubSpotStandIn.rateLimitBody), on: "contacts.create")
            f.hubSpot.faults.plan(.status(500, body: HubSpotStandIn.serverErrorBody), on: "contacts.create")
            // HubSpot stores this one after the client gave up: the retry finds it (409) and updates it.
            f.hubSpot.faults.plan(.delay(.seconds(8)), on: "contacts.create")
            f.hubSpot.faults.plan(.malformed, on: "contacts.create")
            try await Contacts.queue(Self.contacts(5, prefix: "f"), in: f.db, at: f.clock.now())
            #expect(try await f.pass(after: 5) == 5)
            #expect(try await f.statuses() == ["Complete": 1, "Queued": 4])
            let errors = try await (1...4).asyncMap { try await f.row("f\($0)")["hubspot_processing_error"].text ?? "" }
            #expect(errors[0].contains("HubSpot answered 429") && errors[0].contains("secondly limit"), "\(errors[0])")
            #expect(errors[1].contains("HubSpot answered 500"), "\(errors[1])")
            #expect(errors[2].contains("did not answer POST /crm/v3/objects/contacts within"), "\(errors[2])")
            #expect(errors[3].contains("not what it documents"), "\(errors[3])")

            try await eventually { f.hubSpot.answering == 0 }  // the slow create has been stored
            #expect(try await f.pass(after: 5) == 4)
            let statuses = try await f.statuses()
            let left = try await (1...4).asyncMap { try await f.row("f\($0)")["hubspot_processing_error"].text ?? "" }
            #expect(statuses == ["Complete": 5], "\(left)")
            #expect(f.hubSpot.contacts.count == 5, "the timed-out create was found by its email, not made twice")
            #expect(f.hubSpot.calls["contacts.update"] == 1)
            for id in 1...4 { #expect(try await f.row("f\(id)")["retry_count"].int == 1) }
        }
    }

    @Test(arguments: Backend.allCases)
    func passesStartedOnTwoNodesAtOnceNeverSyncAContactTwice(backend: Backend) async throws {
        try await withFixture(backend) { f in
            try await Contacts.queue(Self.contacts(20, prefix: "p"), in: f.db, at: f.clock.now())
            var configuration = f.node.configuration
            configuration.node = "second-node"
            let second = try await f.store.node(configuration)
            let service = HubSpotSyncService(db: f.db, settings: f.settings, logger: quietLogger, now: f.clock.now)
            try await HubSpotSyncScheduler.setUp(on: second, settings: f.settings, service: service, logger: quietLogger)
            let pass = HubSpotSyncScheduler.loop(f.settings, db: f.db).kind
            // Two passes at once, one on each node, until every contact is done.
            for _ in 0..<5 {
                _ = try await f.node.enqueue([JobInsert(kind: pass, queue: "crm"), JobInsert(kind: pass, queue: "crm")])
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for node in [f.node, second] { group.addTask { try await node.drain(queue: "crm", limit: 1) } }
                    try await group.waitForAll()
                }
            }
            #expect(try await f.statuses() == ["Complete": 20])
            #expect(f.hubSpot.calls["contacts.create"] == 20 && f.hubSpot.contacts.count == 20, "each contact pushed once")
        }
    }

    @Test(arguments: Backend.allCases)
    func withoutAnAPIKeyTheSchedulerIsDisabledAndNothingRuns(backend: Backend) async throws {
        try await withFixture(backend, apiKey: nil) { f in
            #expect(!f.registered)
            try await Contacts.queue(Self.seedContacts, in: f.db, at: f.clock.now())
            #expect(try await f.pass(after: 5) == nil)
            #expect(try await f.statuses() == ["Queued": 3])
            #expect(f.hubSpot.calls.isEmpty)
        }
    }

    @Test func settingsNameTheVariableThatIsWrong() {
        #expect(throws: ConveyorError.self) { try HubSpotSyncSettings(environment: ["HUBSPOT_SYNC_SCHEDULER_BATCH_SIZE": "ten"]) }
        do {
            _ = try HubSpotSyncSettings(environment: ["HUBSPOT_SYNC_SCHEDULER_MAX_INSTANCES": "2"])
            Issue.record("two instances accepted")
        } catch let error as ConveyorError {
            #expect(error.field == "HUBSPOT_SYNC_SCHEDULER_MAX_INSTANCES")
        } catch {
            Issue.record("\(error)")
        }
    }
}

extension Sequence where Element: Sendable {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var answer: [T] = []
        for element in self { answer.append(try await transform(element)) }
        return answer
    }
}
