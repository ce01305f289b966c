public import Conveyor
import Foundation

/// The four queues of the seed, with their concurrency and their name in the stats API.
public enum DealPulseQueue: String, CaseIterable, Sendable {
    case dailyBrief = "daily-brief"
    case documentProcessing = "document-processing"
    case emailProcessing = "email-processing"
    case sourceSync = "source-sync"

    /// Jobs one worker process runs at once.
    public var concurrency: Int {
        switch self {
        case .dailyBrief: 2
        case .documentProcessing: 5
        case .emailProcessing: 10
        case .sourceSync: 3
        }
    }

    /// The key `GET /api/queue/stats` answers under.
    public var statsKey: String {
        switch self {
        case .dailyBrief: "dailyBrief"
        case .documentProcessing: "documentProcessing"
        case .emailProcessing: "emailProcessing"
        case .sourceSync: "sourceSync"
        }
    }
}

public enum DealPulse {
    /// 5 s, 25 s, 125 s…: "exponential backoff starting at 5 seconds", × 5 each time.
    public static let backoff = Backoff.exponential(base: .seconds(5), factor: 5, jitter: 0)

    /// Last 100 completed and last 500 failed jobs kept, per queue.
    public static let retention = QueueRetention(completed: .keepLast(100), discarded: .keepLast(500))

    /// The worker process's configuration: the four queues, and the daily brief at
    /// `DAILY_BRIEF_TIME` (cron, default 8:00) in `TIMEZONE` (default America/New_York).
    public static func configuration(environment: [String: String]) throws -> ConveyorConfiguration {
        var configuration = ConveyorConfiguration(queues: Dictionary(uniqueKeysWithValues: DealPulseQueue.allCases.map { ($0.rawValue, $0.concurrency) }))
        let brief = ScheduleDefinition(
            name: "daily-brief-cron", kind: DailyBriefCron.kind, recurrence: .cron(environment["DAILY_BRIEF_TIME"] ?? "0 8 * * *"),
            timeZone: environment["TIMEZONE"] ?? "America/New_York", queue: DealPulseQueue.dailyBrief.rawValue,
            description: "daily briefs for all active deals")
        do {
            try brief.validate()
        } catch {
            // Name the variable the operator set, not the schedule's field.
            let variable = error.field == "timezone" ? "TIMEZONE" : "DAILY_BRIEF_TIME"
            throw ConveyorError(.invalidInput, field: variable, error.message)
        }
        configuration.schedules = [brief]
        return configuration
    }

    /// Sets each queue's retention (stored, so every process and the dashboard see it).
    public static func applyRetention(on conveyor: Conveyor) async throws {
        for queue in DealPulseQueue.allCases { try await conveyor.setRetention(retention, queue: queue.rawValue) }
    }
}
