public import Conveyor
public import ExampleKit
import Foundation
public import Logging

/// `HubspotNotesJob`: imports the notes of every contact of one user whose notes are not
/// processed yet, with an embedding for each. Three attempts with exponential backoff; one
/// waiting or running job per user, so the 1-minute poller and the 2-hour scheduler never
/// double it.
public struct HubSpotNotesJob: JobWorker {
    public struct Args: Codable, Sendable, Equatable {
        public let userID: String
        public init(userID: String) { self.userID = userID }
        enum CodingKeys: String, CodingKey { case userID = "user_id" }
    }

    public static let kind = "hubspot_notes_job"
    public static let options = JobOptions(
        queue: "default", maxAttempts: 3, backoff: .exponential(base: .seconds(15), factor: 2),
        unique: UniqueOptions(by: .args, states: [.scheduled, .available, .executing, .retryable]))

    let notes: NotesImport
    let logger: Logger

    public init(notes: NotesImport, logger: Logger) {
        self.notes = notes
        self.logger = logger
    }

    public func perform(_ args: Args, context: JobContext) async throws {
        logger.info("Processing unprocessed HubSpot notes for user \(args.userID)")
        let report = try await notes.processAllUnprocessedContactNotes(userID: args.userID)
        logger.info("Successfully processed notes for \(report.contacts) contacts (user \(args.userID))")
        try context.setResult(["contacts": report.contacts, "notes_stored": report.stored, "embedded": report.embedded,
                               "skipped_empty": report.skippedEmpty, "skipped_duplicate": report.skippedDuplicate])
    }

    /// `schedule_for_user`.
    @discardableResult
    public static func schedule(forUser userID: String, on conveyor: Conveyor) async throws -> InsertResult {
        try await conveyor.enqueue(Self.self, args: Args(userID: userID))
    }

    /// `schedule_for_all_users`: one job per user with a HubSpot integration.
    @discardableResult
    public static func scheduleForAllUsers(on conveyor: Conveyor, db: any AppDatabase, logger: Logger) async throws -> [InsertResult] {
        let users = try await usersWithHubSpot(db, logger: logger)
        return try await conveyor.enqueueAll(Self.self, args: users.map { Args(userID: $0) })
    }

    static func usersWithHubSpot(_ db: any AppDatabase, logger: Logger) async throws -> [String] {
        let users = try await db.query("SELECT id FROM \(db.table("users")) WHERE hubspot_access_token IS NOT NULL ORDER BY id")
        logger.info("Scheduling \(users.count) HubSpot notes processing jobs")
        return users.compactMap { $0["id"].text }
    }
}

/// What the 2-hour scheduler and the 1-minute poller run: a job for each user with HubSpot,
/// inserted with this job's completion (a user who already has one waiting keeps that one).
public struct ScheduleNotesForAllUsers: JobWorker {
    public struct Args: Codable, Sendable {}
    public static let kind = "hubspot_notes_scheduler"

    let db: any AppDatabase
    let logger: Logger

    public init(db: any AppDatabase, logger: Logger) {
        self.db = db
        self.logger = logger
    }

    public func perform(_ args: Args, context: JobContext) async throws {
        for user in try await HubSpotNotesJob.usersWithHubSpot(db, logger: logger) {
            try context.followUp(HubSpotNotesJob.self, args: .init(userID: user))
        }
    }
}

/// The two schedules of the seed: `HubspotNotesScheduler` every 2 hours, and the
/// `PollingWorker`'s minute, both scheduling jobs for all users.
public enum HubSpotNotesSchedules {
    public static let all = [
        ScheduleDefinition(name: "hubspot-notes-scheduler", kind: ScheduleNotesForAllUsers.kind, recurrence: .every(.seconds(2 * 3_600)),
                           description: "HubspotNotesScheduler: notes jobs for all users with HubSpot, every 2 hours"),
        ScheduleDefinition(name: "polling-worker", kind: ScheduleNotesForAllUsers.kind, recurrence: .every(.seconds(60)),
                           description: "PollingWorker: notes jobs alongside the HubSpot poll, every minute"),
    ]
}
