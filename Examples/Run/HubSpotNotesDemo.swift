import Conveyor
import ExampleKit
import Foundation
import HubSpotNotes

extension Demo {
    /// Seed 000 with two advisers on HubSpot (one with notes to import) and one without; the
    /// poller schedules their jobs within a minute.
    static let hubSpotNotes = Demo { setting in
        let db = setting.db
        try await NotesTables.create(in: db)
        if try await db.count("SELECT COUNT(*) FROM \(db.table("users"))") == 0 {
            for (id, token) in [("user_123", "pat-demo-123"), ("user_456", "pat-demo-456"), ("user_789", nil)] {
                try await db.execute("INSERT INTO \(db.table("users")) (id, email, hubspot_access_token) VALUES (?, ?, ?)",
                                     [.text(id), .text("\(id)@advisor.test"), .optional(token)])
            }
            for n in 1...5 {
                try await db.execute("INSERT INTO \(db.table("contact_embeddings")) (id, user_id, contact_id) VALUES (?, ?, ?)",
                                     [.text("ce\(n)"), .text(n <= 4 ? "user_123" : "user_456"), .text("\(700 + n)")])
            }
        }
        let hubSpot = HubSpotStandIn(tokens: ["pat-demo-123", "pat-demo-456"])
        for n in 1...5 {
            hubSpot.addNotes([.init(id: "note-\(n)a", body: "<p>Call recap \(n): discussed the portfolio</p>"),
                              .init(id: "note-\(n)b", body: n == 3 ? " " : "Follow up in Q\(n % 4 + 1)")], toContact: "\(700 + n)")
        }
        try await setting.service("HUBSPOT_API_BASE_URL", standIn: hubSpot.router) { hubSpotURL in
            try await setting.service("OPENAI_BASE_URL", standIn: OpenAIStandIn().router) { openAIURL in
                var configuration = ConveyorConfiguration(queues: ["default": 10])
                configuration.logger = setting.logger
                configuration.schedules = HubSpotNotesSchedules.all
                let conveyor = try await setting.store.node(configuration)
                let notes = NotesImport(db: db, hubSpotBaseURL: hubSpotURL, openAIBaseURL: openAIURL,
                                        openAIKey: setting.environment["OPENAI_API_KEY"] ?? "sk-demo", logger: setting.logger)
                conveyor.register(HubSpotNotesJob(notes: notes, logger: setting.logger))
                conveyor.register(ScheduleNotesForAllUsers(db: db, logger: setting.logger))
                try await setting.serve(conveyor)
            }
        }
    }
}
