public import Conveyor
public import ExampleKit
import Foundation

/// What a schedule's run carries: whose clients, which of them, and the schedule's config.
public struct MonitoringRun: Codable, Sendable {
    public var scheduleID: String?
    public var businessID: String
    /// nil: every client of the business.
    public var clientIDs: [String]?
    public var config: JSONValue?

    /// The seed's `config` `{"force_mock": true}`: mock APIs whatever keys are set.
    var forceMock: Bool { config?["force_mock"] == .bool(true) }

    enum CodingKeys: String, CodingKey {
        case scheduleID = "schedule_id", businessID = "business_id", clientIDs = "client_ids", config
    }
}

/// A run of the pipeline: the whole of it, or only its search.
public protocol PipelineJob: JobWorker where Args == MonitoringRun {
    /// Stop after saving the raw data.
    static var searchOnly: Bool { get }
    var engine: AutomationEngine { get }
}

extension PipelineJob {
    public static var options: JobOptions { JobOptions(queue: "monitoring", maxAttempts: 1) }

    public func perform(_ args: MonitoringRun, context: JobContext) async throws {
        try context.setResult(try await engine.run(args, context: context, searchOnly: Self.searchOnly))
    }
}

/// `client_monitoring`: the whole pipeline.
public struct ClientMonitoringJob: PipelineJob {
    public static let kind = "client_monitoring"
    public static let searchOnly = false
    public let engine: AutomationEngine

    public init(db: any AppDatabase, settings: MonitoringSettings) { engine = AutomationEngine(db: db, settings: settings) }
}

/// `search_only`: search and save raw data, nothing more.
public struct SearchOnlyJob: PipelineJob {
    public static let kind = "search_only"
    public static let searchOnly = true
    public let engine: AutomationEngine

    public init(db: any AppDatabase, settings: MonitoringSettings) { engine = AutomationEngine(db: db, settings: settings) }
}

/// `notification_digest`: one email per user on a daily or weekly digest, with the
/// notifications of that period.
public struct NotificationDigestJob: JobWorker {
    public typealias Args = MonitoringRun
    public static let kind = "notification_digest"
    public static let options = JobOptions(queue: "monitoring", maxAttempts: 1)
    let db: any AppDatabase
    let settings: MonitoringSettings

    public init(db: any AppDatabase, settings: MonitoringSettings) {
        self.db = db
        self.settings = settings
    }

    public func perform(_ args: Args, context: JobContext) async throws {
        let now = context.job.attemptedAt ?? Date()
        var sent = 0
        for row in try await db.query("SELECT id, email FROM \(db.table("users")) WHERE business_id = ? ORDER BY id", [.text(args.businessID)]) {
            let user = row["id"].int ?? 0
            let preferences = try await UserPreferences.getOrCreate(user: user, db: db, now: now)
            let days = ["daily": 1.0, "weekly": 7.0][preferences.notification_frequency]
            guard let days, preferences.email_notifications_enabled else { continue }
            let items = try await db.query("SELECT title FROM \(db.table("notifications")) WHERE user_id = ? AND created_at >= ? ORDER BY created_at",
                                           [.int(user), .date(now.addingTimeInterval(-days * 86_400))])
            guard !items.isEmpty else { continue }
            let list = items.map { "<li>\($0["title"])</li>" }.joined()
            if try await EmailService(db: db, settings: settings).send(.init(
                businessID: args.businessID, userID: user, to: row["email"].text ?? "", type: "digest",
                subject: "Your \(preferences.notification_frequency) client digest: \(items.count) events",
                html: "<html><body><ul>\(list)</ul></body></html>", eventID: nil, jobID: context.job.id), now: now) { sent += 1 }
        }
        try context.setResult(["digests_sent": sent])
    }
}
