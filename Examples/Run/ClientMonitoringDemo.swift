import ClientMonitoring
import Conveyor
import ExampleKit
import Foundation
import Hummingbird
import Logging

extension Demo {
    /// Seed 002: the app's API on `--app-port` (default 8000, as the seed's) with a node and the
    /// dashboard; a business with three users and two clients, and a manual `force_mock` schedule.
    static let clientMonitoring = Demo { setting in
        let db = setting.db
        try await MonitoringTables.create(in: db)
        if try await db.count("SELECT COUNT(*) FROM \(db.table("users"))") == 0 {
            for (id, email) in [(1, "alice@csm.test"), (2, "bob@csm.test"), (3, "carol@csm.test")] {
                try await db.execute("INSERT INTO \(db.table("users")) (id, business_id, email) VALUES (?, 'biz-1', ?)", [.int(id), .text(email)])
            }
            for (id, name, owner) in [("c-acme", "Acme Corp", 2), ("c-globex", "Globex", 1)] {
                try await db.execute("INSERT INTO \(db.table("clients")) (id, business_id, name, assigned_user_id) VALUES (?, 'biz-1', ?, ?)",
                                     [.text(id), .text(name), .int(owner)])
            }
        }
        let postmark = PostmarkStandIn()
        try await setting.service("POSTMARK_BASE_URL", standIn: postmark.router) { postmarkURL in
            var environment = setting.environment
            environment["POSTMARK_BASE_URL"] = postmarkURL
            environment["POSTMARK_SERVER_TOKEN"] = environment["POSTMARK_SERVER_TOKEN"] ?? "pm-demo"
            let settings = MonitoringSettings(environment: environment)
            var configuration = ConveyorConfiguration(queues: ["monitoring": 2])
            configuration.logger = setting.logger
            let conveyor = try await setting.store.node(configuration)
            conveyor.register(ClientMonitoringJob(db: db, settings: settings))
            conveyor.register(SearchOnlyJob(db: db, settings: settings))
            conveyor.register(NotificationDigestJob(db: db, settings: settings))
            let router = Router()
            MonitoringAPI(conveyor: conveyor, db: db).addRoutes(to: router)
            let appPort = Int(option("app-port") ?? "8000") ?? 8000
            setting.logger.info("""
                app API at http://127.0.0.1:\(appPort); try:
                  curl -X POST localhost:\(appPort)/api/v1/automation-schedules/ -H 'Authorization: Bearer 1' -H 'Content-Type: application/json' \
                -d '{"business_id":"biz-1","created_by_user_id":1,"name":"Test Schedule","job_type":"client_monitoring","schedule_type":"manual","config":"{\\"force_mock\\": true}"}'
                  curl -X POST localhost:\(appPort)/api/v1/automation-schedules/ID/trigger -H 'Authorization: Bearer 1'
                  curl localhost:\(appPort)/api/v1/email-logs/stats/summary -H 'Authorization: Bearer 1'
                """)
            let api = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: appPort)), logger: setting.logger)
            try await setting.serve(conveyor, others: [api])
        }
    }
}
