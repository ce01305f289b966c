public import Conveyor
public import ExampleKit
public import Logging

/// Phase 2 of the seed: `process_hubspot_sync_queue` as a row loop over `contacts`, set up
/// as `setup_hubspot_sync_scheduler` did (same id, interval, batch, retry filter, misfire
/// grace, and disabled with a warning when the API key is missing).
public enum HubSpotSyncScheduler {
    public static func loop(_ settings: HubSpotSyncSettings, db: any AppDatabase) -> RowLoop {
        RowLoop(
            name: "hubspot_contact_sync_processor", table: db.table("contacts"),
            columns: .init(status: "hubspot_processing_status", error: "hubspot_processing_error",
                           retryCount: "retry_count", nextRetryAt: "next_retry_at"),
            statuses: .init(queued: "Queued", processing: "Processing", complete: "Complete", error: "Error"),
            orderBy: "updated_at", batchSize: settings.batchSize, maxRetries: settings.maxRetries, backoff: settings.backoff,
            every: .seconds(settings.intervalMinutes * 60), misfireGrace: .seconds(1_800), queue: "crm",
            disabledBecause: settings.apiKey == nil ? "⚠️ HUBSPOT_API_KEY not configured - scheduler DISABLED" : nil)
    }

    /// Registers the loop on `conveyor`; answers whether it runs.
    @discardableResult
    public static func setUp(on conveyor: Conveyor, settings: HubSpotSyncSettings, service: HubSpotSyncService, logger: Logger) async throws -> Bool {
        let loop = loop(settings, db: service.db)
        logger.info("📋 Configuring HubSpot sync scheduler... Interval: \(settings.intervalMinutes) minutes, Batch size: \(settings.batchSize) contacts, Max instances: \(settings.maxInstances)")
        try await conveyor.register(loop) { id in try await service.processSingleContact(id) }
        guard loop.disabledBecause == nil else { return false }
        logger.info("✅ HubSpot sync scheduler job registered successfully")
        return true
    }
}
