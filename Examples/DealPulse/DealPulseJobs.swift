public import Conveyor
public import ExampleKit

/// `lib/queue/jobs.ts`: adding jobs, and the queue statistics.
public enum DealPulseJobs {
    @discardableResult
    public static func queueDailyBrief(_ dealId: String, date: String? = nil, on conveyor: Conveyor) async throws -> InsertResult {
        try await conveyor.enqueue(DailyBriefJob.self, args: .init(dealId: dealId, date: date))
    }

    @discardableResult
    public static func queueDocumentProcessing(_ documentId: String, dealId: String, _ operation: DocumentProcessingJob.Operation,
                                               on conveyor: Conveyor) async throws -> InsertResult {
        try await conveyor.enqueue(DocumentProcessingJob.self, args: .init(documentId: documentId, dealId: dealId, operation: operation))
    }

    @discardableResult
    public static func queueEmailProcessing(_ emailId: String, dealId: String, _ operation: EmailProcessingJob.Operation,
                                            on conveyor: Conveyor) async throws -> InsertResult {
        try await conveyor.enqueue(EmailProcessingJob.self, args: .init(emailId: emailId, dealId: dealId, operation: operation))
    }

    @discardableResult
    public static func queueSourceSync(_ dealId: String, _ source: SourceSyncJob.Source, _ syncType: SourceSyncJob.SyncType,
                                       on conveyor: Conveyor) async throws -> InsertResult {
        try await conveyor.enqueue(SourceSyncJob.self, args: .init(dealId: dealId, sourceType: source, syncType: syncType))
    }

    /// Briefs for every active deal (`POST /api/queue/trigger-daily-briefs`).
    public static func triggerDailyBriefs(on conveyor: Conveyor, db: any AppDatabase) async throws -> [InsertResult] {
        try await conveyor.enqueueAll(DailyBriefJob.self, args: activeDeals(db).map { .init(dealId: $0, date: nil) })
    }

    static func activeDeals(_ db: any AppDatabase) async throws -> [String] {
        try await db.query("SELECT id FROM \(db.table("deals")) WHERE active = ? ORDER BY id", [.bool(true)]).compactMap { $0["id"].text }
    }

    /// Counts per queue, as BullMQ's `getJobCounts` names them.
    public struct Counts: Codable, Sendable, Equatable {
        public var waiting: Int
        public var active: Int
        public var completed: Int
        public var failed: Int
        /// Waiting for a retry or a later time (BullMQ's `delayed`).
        public var delayed: Int

        public init(waiting: Int, active: Int, completed: Int, failed: Int, delayed: Int) {
            self.waiting = waiting
            self.active = active
            self.completed = completed
            self.failed = failed
            self.delayed = delayed
        }
    }

    public static func stats(on conveyor: Conveyor) async throws -> [String: Counts] {
        let summaries = Dictionary(uniqueKeysWithValues: try await conveyor.queues().map { ($0.name, $0.counts) })
        return Dictionary(uniqueKeysWithValues: DealPulseQueue.allCases.map { queue in
            let counts = summaries[queue.rawValue] ?? [:]
            return (queue.statsKey, Counts(
                waiting: counts[.available, default: 0], active: counts[.executing, default: 0], completed: counts[.completed, default: 0],
                failed: counts[.discarded, default: 0], delayed: counts[.scheduled, default: 0] + counts[.retryable, default: 0]))
        })
    }
}
