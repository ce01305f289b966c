import Conveyor
import DealPulse
import ExampleKit
import Foundation
import Hummingbird
import Logging

extension Demo {
    /// Seed 003: the app (its queue API on `--app-port`, default 3000) with a node and the
    /// dashboard; start more worker processes with `dealpulse-worker` on the same database.
    static let dealPulse = Demo { setting in
        try await DealPulseDemo.run(setting, app: true)
    }

    /// A DealPulse worker process: the four queues, no HTTP.
    static let dealPulseWorker = Demo { setting in
        try await DealPulseDemo.run(setting, app: false)
    }
}

enum DealPulseDemo {
    static func run(_ setting: DemoSetting, app: Bool) async throws {
        let db = setting.db
        try await DealTables.create(in: db)
        if app, try await db.count("SELECT COUNT(*) FROM \(db.table("deals"))") == 0 {
            for (id, name, active) in [("deal-id-123", "Project Atlas", true), ("deal-id-124", "Project Borealis", true), ("deal-id-125", "Project Cobalt", false)] {
                try await db.execute("INSERT INTO \(db.table("deals")) (id, name, active, drive_folder) VALUES (?, ?, ?, ?)",
                                     [.text(id), .text(name), .bool(active), .text("folder-\(id)")])
            }
            for n in 1...6 {
                try await db.execute("INSERT INTO \(db.table("emails")) (id, deal_id, body) VALUES (?, ?, ?)",
                                     [.text("email-\(n)"), .text(n % 2 == 0 ? "deal-id-123" : "deal-id-124"),
                                      .text(n == 3 ? "Concern: the lender flagged a delay in the audit." : "Thanks, the data room is complete.")])
            }
        }
        let drive = GoogleDriveStandIn()
        drive.add([.init(id: "doc-456", name: "Atlas CIM", folder: "folder-deal-id-123", modified: Date(),
                         text: "Atlas is a logistics business with 40 million in revenue. Contract renewals are due in June.")])
        try await setting.service("ANTHROPIC_BASE_URL", standIn: AnthropicStandIn().router) { anthropicURL in
            try await setting.service("GOOGLE_DRIVE_BASE_URL", standIn: drive.router) { driveURL in
                var configuration = try DealPulse.configuration(environment: setting.environment)
                configuration.logger = setting.logger
                if let node = option("node") { configuration.node = node }
                let conveyor = try await setting.store.node(configuration)
                let zone = TimeZone(identifier: setting.environment["TIMEZONE"] ?? "America/New_York") ?? .gmt
                let services = DealPulseServices(
                    db: db, claude: Claude(baseURL: anthropicURL, apiKey: setting.environment["ANTHROPIC_API_KEY"] ?? "demo-key"),
                    driveBaseURL: driveURL, driveToken: setting.environment["GOOGLE_DRIVE_TOKEN"] ?? "demo-token", timeZone: zone)
                conveyor.register(DailyBriefJob(services: services))
                conveyor.register(DailyBriefCron(services: services))
                conveyor.register(DocumentProcessingJob(services: services))
                conveyor.register(EmailProcessingJob(services: services))
                conveyor.register(SourceSyncJob(services: services))
                guard app else {
                    setting.logger.info("worker process \(conveyor.node) serving \(DealPulseQueue.allCases.map { "\($0.rawValue)=\($0.concurrency)" })")
                    return try await setting.serve(conveyor, dashboard: false)
                }
                try await DealPulse.applyRetention(on: conveyor)
                for n in 1...6 { try await DealPulseJobs.queueEmailProcessing("email-\(n)", dealId: n % 2 == 0 ? "deal-id-123" : "deal-id-124", .analyzeSentiment, on: conveyor) }
                try await DealPulseJobs.queueSourceSync("deal-id-123", .gdrive, .incremental, on: conveyor)
                let router = Router()
                DealPulseAPI.addRoutes(to: router, conveyor: conveyor, db: db)
                let appPort = Int(option("app-port") ?? "3000") ?? 3000
                setting.logger.info("app API at http://127.0.0.1:\(appPort)/api/queue/stats")
                let api = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: appPort)), logger: setting.logger)
                try await setting.serve(conveyor, others: [api])
            }
        }
    }
}
