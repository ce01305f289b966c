public import Conveyor
public import ExampleKit
public import Hummingbird

/// The app's queue routes: `GET /api/queue/stats`, `POST /api/queue/trigger-daily-briefs`,
/// `POST /api/documents/{id}/process`.
public enum DealPulseAPI {
    public static func addRoutes(to router: Router<BasicRequestContext>, conveyor: Conveyor, db: any AppDatabase) {
        router.get("api/queue/stats") { _, _ in
            StatsAnswer(success: true, stats: try await DealPulseJobs.stats(on: conveyor))
        }
        router.post("api/queue/trigger-daily-briefs") { _, _ in
            let results = try await DealPulseJobs.triggerDailyBriefs(on: conveyor, db: db)
            return TriggerAnswer(success: true, queued: results.filter { !$0.isDuplicate }.count)
        }
        router.post("api/documents/:id/process") { request, context in
            let input = try await request.decode(as: ProcessRequest.self, context: context)
            try await DealPulseJobs.queueDocumentProcessing(try context.parameters.require("id"), dealId: input.dealId, .summarize, on: conveyor)
            return MessageAnswer(success: true, message: "Processing started")
        }
    }

    struct StatsAnswer: ResponseEncodable {
        let success: Bool
        let stats: [String: DealPulseJobs.Counts]
    }

    struct TriggerAnswer: ResponseEncodable {
        let success: Bool
        let queued: Int
    }

    struct MessageAnswer: ResponseEncodable {
        let success: Bool
        let message: String
    }

    struct ProcessRequest: Decodable {
        let dealId: String
    }
}
