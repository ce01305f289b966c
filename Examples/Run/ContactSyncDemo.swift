import ContactSync
import Conveyor
import ExampleKit
import Foundation

extension Demo {
    /// Seed 001 with its test plan's three contacts and 25 more, pushed to HubSpot every
    /// `HUBSPOT_SYNC_SCHEDULER_INTERVAL_MINUTES`; the first pass runs at start.
    static let contactSync = Demo { setting in
        try await Contacts.create(in: setting.db)
        if try await setting.db.count("SELECT COUNT(*) FROM \(setting.db.table("contacts"))") == 0 {
            let domain = "1ad6264b-a0b6-4551-860a-1326b2bfa28f", page = "ddc03eef-2550-46de-aca8-bbdb7cf525cb"
            let contacts = (1...28).map { n in
                Contacts.New(id: UUID().uuidString.lowercased(), email: "hubspot-scheduler-test-\(n)@scrapersky-test.com",
                             name: "Scheduler Test \(n)", phone: n <= 2 ? "+1-555-900\(n)" : nil, domainID: domain, pageID: page)
            }
            try await Contacts.queue(contacts, in: setting.db, at: Date())
        }
        let key = setting.environment["HUBSPOT_API_KEY"] ?? "pat-na1-demo"
        let hubSpot = HubSpotStandIn(tokens: [key])
        try await setting.service("HUBSPOT_API_BASE_URL", standIn: hubSpot.router) { baseURL in
            var environment = setting.environment
            environment["HUBSPOT_API_KEY"] = key
            environment["HUBSPOT_API_BASE_URL"] = baseURL
            let settings = try HubSpotSyncSettings(environment: environment)
            var configuration = ConveyorConfiguration(queues: ["crm": 1])
            configuration.logger = setting.logger
            let conveyor = try await setting.store.node(configuration)
            let service = HubSpotSyncService(db: setting.db, settings: settings, logger: setting.logger)
            if try await HubSpotSyncScheduler.setUp(on: conveyor, settings: settings, service: service, logger: setting.logger) {
                try await conveyor.enqueue(kind: HubSpotSyncScheduler.loop(settings, db: setting.db).kind)
            }
            try await setting.serve(conveyor)
        }
    }
}
