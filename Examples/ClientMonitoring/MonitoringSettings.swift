/// The seed's environment variables; a service without its keys falls back to the mock.
public struct MonitoringSettings: Sendable {
    public var googleBaseURL = "https://www.googleapis.com"
    public var googleKey: String?
    public var googleEngineID: String?
    public var salesforceBaseURL = "https://login.salesforce.com"
    public var salesforceClientID: String?
    public var salesforceClientSecret: String?
    public var salesforceRefreshToken: String?
    public var openAIBaseURL = "https://api.openai.com"
    public var openAIKey: String?
    public var postmarkBaseURL = "https://api.postmarkapp.com"
    public var postmarkToken: String?
    public var fromEmail = "alerts@example.com"
    public var fromName = "Client Monitoring"

    public init(environment: [String: String]) {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        googleBaseURL = value("GOOGLE_SEARCH_BASE_URL") ?? googleBaseURL
        googleKey = value("GOOGLE_SEARCH_API_KEY")
        googleEngineID = value("GOOGLE_SEARCH_ENGINE_ID")
        salesforceBaseURL = value("SALESFORCE_BASE_URL") ?? salesforceBaseURL
        salesforceClientID = value("SALESFORCE_CLIENT_ID")
        salesforceClientSecret = value("SALESFORCE_CLIENT_SECRET")
        salesforceRefreshToken = value("SALESFORCE_REFRESH_TOKEN")
        openAIBaseURL = value("OPENAI_BASE_URL") ?? openAIBaseURL
        openAIKey = value("OPENAI_API_KEY")
        postmarkBaseURL = value("POSTMARK_BASE_URL") ?? postmarkBaseURL
        postmarkToken = value("POSTMARK_SERVER_TOKEN")
        fromEmail = value("EMAIL_FROM") ?? fromEmail
        fromName = value("EMAIL_FROM_NAME") ?? fromName
    }
}
