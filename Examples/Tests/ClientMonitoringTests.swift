import AsyncHTTPClient
import ClientMonitoring
import Conveyor
import ConveyorTesting
import ExampleKit
import Foundation
import Hummingbird
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import Testing

/// Seed 002: schedules managed through the seed's API, and the pipeline search → raw data →
/// CRM → AI → events → preferences → insights → notifications and email.
@Suite("Example: client monitoring automation (seed 002)")
struct ClientMonitoringTests {
    struct Fixture {
        let api: String
        let google: GoogleSearchStandIn
        let postmark: PostmarkStandIn
        let db: any AppDatabase
        let node: Conveyor
        let clock: ManualClock

        /// A JSON request as user 1; answers the status and the body.
        func call(_ method: HTTPMethod, _ path: String, _ body: Any? = nil, user: Int? = 1) async throws -> (Int, Any) {
            var request = HTTPClientRequest(url: api + path)
            request.method = method
            if let user { request.headers.add(name: "Authorization", value: "Bearer \(user)") }
            if let body {
                request.headers.add(name: "Content-Type", value: "application/json")
                request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: body)))
            }
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            let bytes = try await response.body.collect(upTo: 1 << 22)
            return (Int(response.status.code), try JSONSerialization.jsonObject(with: Data(buffer: bytes)))
        }

        func object(_ method: HTTPMethod, _ path: String, _ body: Any? = nil, expect status: Int = 200) async throws -> [String: Any] {
            let (code, json) = try await call(method, path, body)
            #expect(code == status, "\(method) \(path): \(code) \(json)")
            return try #require(json as? [String: Any])
        }

        func runDue(after seconds: Int) async throws -> [Job] {
            clock.advance(by: .seconds(seconds))
            try await node.runScheduler()
            return try await node.drain(queue: "monitoring")
        }
    }

    func withFixture(_ backend: Backend, keys: Bool = true, _ body: (Fixture) async throws -> Void) async throws {
        let google = GoogleSearchStandIn(), salesforce = SalesforceStandIn(), openAI = OpenAIStandIn(), postmark = PostmarkStandIn()
        google.answer("acme", with: [
            .init(title: "Acme Corp expands into Asia", link: "https://news.test/acme-asia", snippet: "Acme opens offices in Tokyo."),
            .init(title: "Acme Corp faces lawsuit over data breach", link: "https://news.test/acme-breach", snippet: "Customers sue."),
            .init(title: "Acme CEO speaks at conference", link: "https://news.test/acme-talk", snippet: "A keynote."),
        ])
        google.answer("globex", with: [.init(title: "Globex announces layoffs", link: "https://news.test/globex", snippet: "Ten percent of staff.")])
        salesforce.add(.init(name: "Acme Corp", industry: "Manufacturing", annualRevenue: 5e7, openCases: 6, health: "red"))
        try await StandIn.serve(google.router) { googleURL in
            try await StandIn.serve(salesforce.router) { salesforceURL in
                try await StandIn.serve(openAI.router) { openAIURL in
                    try await StandIn.serve(postmark.router) { postmarkURL in
                        try await backend.withDatabase { store, db in
                            try await MonitoringTables.create(in: db)
                            for (id, email) in [(1, "alice@csm.test"), (2, "bob@csm.test"), (3, "carol@csm.test")] {
                                try await db.execute("INSERT INTO \(db.table("users")) (id, business_id, email) VALUES (?, 'biz-1', ?)", [.int(id), .text(email)])
                            }
                            for (id, name, owner) in [("c-acme", "Acme Corp", 2), ("c-globex", "Globex", 1)] {
                                try await db.execute("INSERT INTO \(db.table("clients")) (id, business_id, name, assigned_user_id) VALUES (?, 'biz-1', ?, ?)",
                                                     [.text(id), .text(name), .int(owner)])
                            }
                            let environment = keys ? [
                                "GOOGLE_SEARCH_BASE_URL": googleURL, "GOOGLE_SEARCH_API_KEY": "AIza-test", "GOOGLE_SEARCH_ENGINE_ID": "cx-test",
                                "SALESFORCE_BASE_URL": salesforceURL, "SALESFORCE_CLIENT_ID": "id", "SALESFORCE_CLIENT_SECRET": "secret", "SALESFORCE_REFRESH_TOKEN": "5Aep-test",
                                "OPENAI_BASE_URL": openAIURL, "OPENAI_API_KEY": "sk-test", "POSTMARK_BASE_URL": postmarkURL, "POSTMARK_SERVER_TOKEN": "pm-test",
                            ] : ["POSTMARK_BASE_URL": postmarkURL, "POSTMARK_SERVER_TOKEN": "pm-test"]
                            let settings = MonitoringSettings(environment: environment)
                            let clock = ManualClock(start: date("2026-03-02T07:30:00Z"))
                            let node = try await testNode(store, queues: ["monitoring": 1], clock: clock)
                            node.register(ClientMonitoringJob(db: db, settings: settings))
                            node.register(SearchOnlyJob(db: db, settings: settings))
                            node.register(NotificationDigestJob(db: db, settings: settings))
                            let router = Router()
                            MonitoringAPI(conveyor: node, db: db, now: clock.now).addRoutes(to: router)
                            try await StandIn.serve(router) { api in
                                try await body(Fixture(api: api, google: google, postmark: postmark, db: db, node: node, clock: clock))
                            }
                        }
                    }
                }
            }
        }
    }

    static var daily: [String: Any] { [
        "business_id": "biz-1", "created_by_user_id": 1, "name": "Daily Morning Monitoring", "description": "Monitor all clients every morning",
        "job_type": "client_monitoring", "client_ids": NSNull(), "schedule_type": "daily", "hour_of_day": 9, "is_active": true,
    ] }

    /// Bob wants risks of 0.8 and more for his own clients; Carol wants nothing; Alice keeps the defaults.
    func setPreferences(_ f: Fixture) async throws {
        #expect(try await f.call(.PUT, "/api/v1/user-preferences/me", ["relevance_threshold": 0.8, "notification_categories": ["risk"], "assigned_clients_only": true], user: 2).0 == 200)
        #expect(try await f.call(.PUT, "/api/v1/user-preferences/me", ["notification_enabled": false], user: 3).0 == 200)
    }

    @Test(arguments: Backend.allCases)
    func aDailyScheduleRunsThePipelineFromSearchToEmailAndDoesNotRepeatItself(backend: Backend) async throws {
        try await withFixture(backend) { f in
            try await setPreferences(f)
            try await f.node.runScheduler()
            let schedule = try await f.object(.POST, "/api/v1/automation-schedules/", Self.daily, expect: 201)
            let id = try #require(schedule["id"] as? String)
            #expect(schedule["next_run_at"] as? String == "2026-03-02T09:00:00Z" && schedule["is_active"] as? Bool == true)

            let runs = try await f.runDue(after: 90 * 60)
            let run = try #require(runs.first)
            #expect(runs.count == 1 && run.state == .completed, "\(runs.map(\.errors))")
            #expect(run.result?["events"] == 4 && run.result?["new_raw"] == 4 && run.result?["notifications"] == 4 && run.result?["emails_sent"] == 4,
                    "\(String(describing: run.result))")
            let events = try await f.db.query("SELECT title, category, relevance, crm_health, insights FROM \(f.db.table("events")) ORDER BY title")
            #expect(events.map { $0["category"].text ?? "" } == ["general", "expansion", "risk", "risk"])
            let breach = try #require(events.first { $0["title"].text?.contains("lawsuit") == true })
            #expect(breach["crm_health"] == .text("red"), "Salesforce's account")
            #expect(breach["insights"].text?.isEmpty == false, "relevance 0.9: insights generated")
            #expect(events.first { $0["title"].text?.contains("conference") == true }?["insights"].isNull == true, "relevance 0.2: none")

            // Alice: expansion 0.85, lawsuit 0.9, layoffs 0.9; Bob: the lawsuit (Acme is his, Globex is not); Carol: nothing.
            let recipients = Dictionary(grouping: f.postmark.messages, by: \.to).mapValues(\.count)
            #expect(recipients == ["alice@csm.test": 3, "bob@csm.test": 1], "\(recipients)")
            #expect(f.postmark.messages.allSatisfy { $0.html.contains("Read the article") })

            // Opens and clicks arrive as Postmark webhooks; the summary counts them.
            let messages = f.postmark.messages
            for message in messages.prefix(2) { _ = try await f.call(.POST, "/webhooks/postmark", ["RecordType": "Open", "MessageID": message.messageID]) }
            _ = try await f.call(.POST, "/webhooks/postmark", ["RecordType": "Click", "MessageID": messages[0].messageID])
            let summary = try await f.object(.GET, "/api/v1/email-logs/stats/summary")
            #expect(summary["total_emails"] as? Int == 4 && summary["sent"] as? Int == 4 && summary["opened"] as? Int == 2 && summary["clicked"] as? Int == 1)
            #expect(summary["open_rate"] as? Double == 50 && summary["click_rate"] as? Double == 25 && summary["delivery_rate"] as? Double == 100, "\(summary)")
            #expect((summary["by_type"] as? [String: Int]) == ["event_notification": 4])

            let after = try await f.object(.GET, "/api/v1/automation-schedules/\(id)")
            #expect(after["last_run_status"] as? String == "success" && after["last_run_job_id"] as? Int == Int(run.id))
            #expect(after["next_run_at"] as? String == "2026-03-03T09:00:00Z" && after["consecutive_failures"] as? Int == 0)

            // The same news again: SHA-256 of the raw content finds it, nothing is notified twice.
            let again = try await f.object(.POST, "/api/v1/automation-schedules/\(id)/trigger")
            #expect(again["message"] as? String == "Schedule triggered successfully")
            let second = try #require(try await f.node.drain(queue: "monitoring").first)
            #expect(second.result?["duplicates"] == 4 && second.result?["events"] == 0 && second.result?["notifications"] == 0)
            #expect(f.postmark.messages.count == 4)
        }
    }

    @Test(arguments: Backend.allCases)
    func preferencesDecideWhoIsNotifiedAndHow(backend: Backend) async throws {
        try await withFixture(backend) { f in
            let defaults = try await f.object(.GET, "/api/v1/user-preferences/me")
            #expect(defaults["relevance_threshold"] as? Double == 0.7 && defaults["notification_frequency"] as? String == "instant")
            try await setPreferences(f)
            let bob = try await f.object(.GET, "/api/v1/user-preferences/me")
            #expect(bob["user_id"] as? Int == 1 && bob["assigned_clients_only"] as? Bool == false, "the caller's own preferences")
            let (bad, detail) = try await f.call(.PUT, "/api/v1/user-preferences/me", ["relevance_threshold": 1.5])
            #expect(bad == 400 && "\(detail)".contains("relevance_threshold"))
            let (anonymous, _) = try await f.call(.GET, "/api/v1/user-preferences/me", user: nil)
            #expect(anonymous == 401)

            var manual = Self.daily
            manual["schedule_type"] = "manual"
            let id = try #require(try await f.object(.POST, "/api/v1/automation-schedules/", manual, expect: 201)["id"] as? String)
            _ = try await f.object(.POST, "/api/v1/automation-schedules/\(id)/trigger")
            let run = try #require(try await f.node.drain(queue: "monitoring").first)
            #expect(run.state == .completed, "\(run.errors)")
            let notified = try await f.db.query("SELECT user_id, COUNT(*) AS n FROM \(f.db.table("notifications")) GROUP BY user_id ORDER BY user_id")
            #expect(notified.map { "\($0["user_id"]):\($0["n"])" } == ["1:3", "2:1"])
            // A digest for Alice, switched to daily: her three notifications in one email.
            #expect(try await f.call(.PUT, "/api/v1/user-preferences/me", ["notification_frequency": "daily"]).0 == 200)
            var digest = Self.daily
            digest["schedule_type"] = "manual"
            digest["job_type"] = "notification_digest"
            let digestID = try #require(try await f.object(.POST, "/api/v1/automation-schedules/", digest, expect: 201)["id"] as? String)
            _ = try await f.object(.POST, "/api/v1/automation-schedules/\(digestID)/trigger")
            let sent = try #require(try await f.node.drain(queue: "monitoring").first)
            #expect(sent.result == ["digests_sent": 1])
            #expect(f.postmark.messages.last?.subject == "Your daily client digest: 3 events")
        }
    }

    @Test(arguments: Backend.allCases)
    func forceMockRunsWithoutAnyServiceAndTheSameClientGetsTheSameData(backend: Backend) async throws {
        try await withFixture(backend) { f in
            var mock = Self.daily
            mock["schedule_type"] = "manual"
            mock["config"] = "{\"force_mock\": true}"
            let schedule = try await f.object(.POST, "/api/v1/automation-schedules/", mock, expect: 201)
            let id = try #require(schedule["id"] as? String)
            #expect((schedule["config"] as? [String: Any])?["force_mock"] as? Bool == true && schedule["next_run_at"] is NSNull)
            _ = try await f.object(.POST, "/api/v1/automation-schedules/\(id)/trigger")
            let first = try #require(try await f.node.drain(queue: "monitoring").first)
            let found = first.result?["results"]
            #expect(first.state == .completed && (found.flatMap { if case .number(let n) = $0 { n } else { nil } } ?? 0) >= 6, "3 to 5 per client")
            #expect(f.google.calls == 0, "force_mock: Google is not called although its key is set")
            f.clock.advance(by: .seconds(60))
            _ = try await f.object(.POST, "/api/v1/automation-schedules/\(id)/trigger")
            let second = try #require(try await f.node.drain(queue: "monitoring").first)
            #expect(second.result?["new_raw"] == 0 && second.result?["duplicates"] == found, "deterministic mock data")
        }
    }

    @Test(arguments: Backend.allCases)
    func fiveFailedRunsInARowDeactivateTheSchedule(backend: Backend) async throws {
        try await withFixture(backend) { f in
            try await f.node.runScheduler()
            f.google.faults.plan(.status(500, body: #"{"error":{"code":500,"message":"Backend Error"}}"#), times: 5, on: "search")
            var hourly = Self.daily
            hourly["schedule_type"] = "hourly"
            hourly["minute_of_hour"] = 0
            let id = try #require(try await f.object(.POST, "/api/v1/automation-schedules/", hourly, expect: 201)["id"] as? String)
            for hour in 1...5 {
                let runs = try await f.runDue(after: hour == 1 ? 30 * 60 : 3_600)
                #expect(runs.count == 1 && runs.first?.state == .discarded, "run \(hour)")
            }
            let schedule = try await f.object(.GET, "/api/v1/automation-schedules/\(id)")
            #expect(schedule["is_active"] as? Bool == false && schedule["consecutive_failures"] as? Int == 5)
            #expect((schedule["last_error_message"] as? String)?.contains("Google Custom Search answered 500") == true)
            #expect(try await f.runDue(after: 3_600).isEmpty, "deactivated: no sixth run")
            let status = try await f.object(.GET, "/api/v1/scheduler/status")
            #expect(status["total_jobs"] as? Int == 0)
        }
    }

    @Test(arguments: Backend.allCases)
    func theScheduleAPIManagesSixKindsAndNamesTheBadField(backend: Backend) async throws {
        try await withFixture(backend) { f in
            var created: [String: String] = [:]
            let kinds: [(String, [String: Any], String?)] = [
                ("manual", [:], nil),
                ("hourly", ["minute_of_hour": 15], "2026-03-02T08:15:00Z"),
                ("daily", ["hour_of_day": 9], "2026-03-02T09:00:00Z"),
                ("weekly", ["day_of_week": 2, "hour_of_day": 8], "2026-03-04T08:00:00Z"),  // 2 = Wednesday; 2 March 2026 is a Monday
                ("monthly", ["day_of_month": 1, "hour_of_day": 6], "2026-04-01T06:00:00Z"),
                ("custom", ["cron_expression": "*/30 * * * *"], "2026-03-02T08:00:00Z"),
            ]
            for (kind, fields, next) in kinds {
                var body = Self.daily
                body["name"] = "\(kind) run"
                body["schedule_type"] = kind
                body["hour_of_day"] = nil
                body.merge(fields) { $1 }
                let schedule = try await f.object(.POST, "/api/v1/automation-schedules/", body, expect: 201)
                #expect(schedule["next_run_at"] as? String == next, "\(kind): \(schedule)")
                created[kind] = schedule["id"] as? String
            }
            for (field, change) in [("schedule_type", ["schedule_type": "yearly"]), ("day_of_week", ["schedule_type": "weekly", "hour_of_day": 8]),
                                    ("cron_expression", ["schedule_type": "custom", "cron_expression": "61 * * * *"]), ("job_type", ["job_type": "mine"]),
                                    ("hour_of_day", ["hour_of_day": 24])] as [(String, [String: Any])] {
                var body = Self.daily
                body.merge(change) { $1 }
                let (status, detail) = try await f.call(.POST, "/api/v1/automation-schedules/", body)
                #expect(status == 400 && "\(detail)".contains(field), "\(field): \(status) \(detail)")
            }
            let list = try await f.object(.GET, "/api/v1/automation-schedules/?job_type=client_monitoring&limit=2")
            #expect(list["total"] as? Int == 6 && (list["schedules"] as? [Any])?.count == 2 && list["limit"] as? Int == 2)
            let daily = try #require(created["daily"])
            let updated = try await f.object(.PUT, "/api/v1/automation-schedules/\(daily)", ["hour_of_day": 10, "name": "Later"])
            #expect(updated["name"] as? String == "Later" && updated["next_run_at"] as? String == "2026-03-02T10:00:00Z")
            let off = try await f.object(.POST, "/api/v1/automation-schedules/\(daily)/deactivate")
            #expect(off["is_active"] as? Bool == false && off["next_run_at"] is NSNull)
            #expect(try await f.object(.GET, "/api/v1/scheduler/status")["total_jobs"] as? Int == 5, "the five still active")
            _ = try await f.object(.POST, "/api/v1/automation-schedules/\(daily)/activate")
            _ = try await f.object(.DELETE, "/api/v1/automation-schedules/\(daily)")
            let (gone, _) = try await f.call(.GET, "/api/v1/automation-schedules/\(daily)")
            #expect(gone == 404)
        }
    }
}

