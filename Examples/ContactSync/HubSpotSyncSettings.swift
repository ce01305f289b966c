public import Conveyor

/// The seed's `.env` settings, read from the same variable names with the same defaults.
public struct HubSpotSyncSettings: Sendable {
    public var apiKey: String?
    public var apiBaseURL = "https://api.hubapi.com"
    public var intervalMinutes = 5
    public var batchSize = 10
    public var maxInstances = 1
    public var maxRetries = 3
    public var retryDelayMinutes = 5
    public var retryExponential = true
    public var domainIDProperty = "scrapersky_domain_id"
    public var pageIDProperty = "scrapersky_page_id"
    public var syncDateProperty = "scrapersky_sync_date"

    public init(apiKey: String?, apiBaseURL: String = "https://api.hubapi.com") {
        self.apiKey = apiKey
        self.apiBaseURL = apiBaseURL
    }

    /// - Throws: ``ConveyorError`` naming the variable that is not a number, or a
    ///   `HUBSPOT_SYNC_SCHEDULER_MAX_INSTANCES` other than 1.
    public init(environment: [String: String]) throws {
        apiKey = environment["HUBSPOT_API_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        apiBaseURL = environment["HUBSPOT_API_BASE_URL"] ?? apiBaseURL
        func number(_ name: String, _ value: inout Int) throws {
            guard let text = environment[name] else { return }
            guard let parsed = Int(text), parsed > 0 else {
                throw ConveyorError(.invalidInput, field: name, "'\(text)' is not a positive whole number")
            }
            value = parsed
        }
        try number("HUBSPOT_SYNC_SCHEDULER_INTERVAL_MINUTES", &intervalMinutes)
        try number("HUBSPOT_SYNC_SCHEDULER_BATCH_SIZE", &batchSize)
        try number("HUBSPOT_SYNC_SCHEDULER_MAX_INSTANCES", &maxInstances)
        try number("HUBSPOT_SYNC_MAX_RETRIES", &maxRetries)
        try number("HUBSPOT_SYNC_RETRY_DELAY_MINUTES", &retryDelayMinutes)
        if let text = environment["HUBSPOT_SYNC_RETRY_EXPONENTIAL"] { retryExponential = ["true", "1", "yes"].contains(text.lowercased()) }
        domainIDProperty = environment["HUBSPOT_CUSTOM_PROPERTY_DOMAIN_ID"] ?? domainIDProperty
        pageIDProperty = environment["HUBSPOT_CUSTOM_PROPERTY_PAGE_ID"] ?? pageIDProperty
        syncDateProperty = environment["HUBSPOT_CUSTOM_PROPERTY_SYNC_DATE"] ?? syncDateProperty
        // A row loop never runs two passes at once, on any number of nodes: APScheduler's
        // max_instances=1 is the only setting it has.
        guard maxInstances == 1 else {
            throw ConveyorError(.invalidInput, field: "HUBSPOT_SYNC_SCHEDULER_MAX_INSTANCES",
                                "passes of a row loop run one at a time across all nodes; set it to 1 or leave it out")
        }
    }

    /// 5, 10, 20 minutes… when exponential; 5 minutes each time otherwise.
    public var backoff: Backoff {
        retryExponential ? .exponential(base: .seconds(retryDelayMinutes * 60), factor: 2, jitter: 0) : .fixed(.seconds(retryDelayMinutes * 60))
    }
}
