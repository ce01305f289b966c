import ExampleKit
import Foundation

struct SearchResult: Codable, Sendable, Equatable {
    let title: String
    let link: String
    let snippet: String
}

struct CRMData: Codable, Sendable {
    let accountName: String
    let industry: String
    let annualRevenue: Double
    let openCases: Int
    let health: String
    let source: String

    /// `is_at_risk`: an unhealthy account, or many open cases.
    var isAtRisk: Bool { health == "red" || openCases >= 5 }
    /// `calculate_engagement_score`, 0 to 1.
    var engagementScore: Double { max(0, min(1, (health == "green" ? 0.8 : health == "yellow" ? 0.5 : 0.2) - Double(openCases) * 0.05)) }
}

struct Classification: Codable, Sendable {
    let category: String
    let relevance: Double
    let sentiment: Double
    let risk: String
}

/// The outside services of one run: each the real one when its keys are set and the
/// schedule does not say `force_mock`, else `MockAPIService`.
struct Providers: Sendable {
    let settings: MonitoringSettings
    let forceMock: Bool

    var searchSource: String { google == nil ? "mock" : "google_search" }

    private var google: ServiceClient? {
        guard !forceMock, settings.googleKey != nil, settings.googleEngineID != nil else { return nil }
        return ServiceClient(service: "Google Custom Search", baseURL: settings.googleBaseURL)
    }

    private var openAI: ServiceClient? {
        guard !forceMock, let key = settings.openAIKey else { return nil }
        return ServiceClient(service: "OpenAI", baseURL: settings.openAIBaseURL, headers: [("Authorization", "Bearer \(key)")])
    }

    /// `search_client`.
    func search(_ client: Client) async throws -> [SearchResult] {
        guard let google, let key = settings.googleKey, let engine = settings.googleEngineID else { return MockAPIService.searchResults(for: client) }
        let query = "\"\(client.name)\" news OR acquisition OR expansion OR layoffs"
        let path = "/customsearch/v1?key=\(Self.encoded(key))&cx=\(Self.encoded(engine))&q=\(Self.encoded(query))&num=10"
        let answer: GoogleAnswer = try await google.send(.GET, path)
        return (answer.items ?? []).map { SearchResult(title: $0.title, link: $0.link, snippet: $0.snippet ?? "") }
    }

    /// `enrich_client`: Salesforce's account, or the mock's.
    func enrich(_ client: Client) async throws -> CRMData {
        guard !forceMock, let id = settings.salesforceClientID, let secret = settings.salesforceClientSecret, let refresh = settings.salesforceRefreshToken else {
            return MockAPIService.crmData(for: client)
        }
        let login = ServiceClient(service: "Salesforce", baseURL: settings.salesforceBaseURL)
        let token: TokenAnswer = try await login.postForm("/services/oauth2/token", form: [
            ("grant_type", "refresh_token"), ("client_id", id), ("client_secret", secret), ("refresh_token", refresh),
        ])
        let instance = token.instance_url.isEmpty ? settings.salesforceBaseURL : token.instance_url
        let api = ServiceClient(service: "Salesforce", baseURL: instance, headers: [("Authorization", "Bearer \(token.access_token)")])
        let soql = "SELECT Id, Name, Industry, AnnualRevenue, Open_Cases__c, Health__c FROM Account WHERE Name = '\(client.name.replacing("'", with: "\\'"))' LIMIT 1"
        let answer: QueryAnswer = try await api.send(.GET, "/services/data/v59.0/query?q=\(Self.encoded(soql))")
        guard let account = answer.records.first else { return MockAPIService.crmData(for: client, source: "salesforce (no account)") }
        return CRMData(accountName: account.Name, industry: account.Industry ?? "", annualRevenue: account.AnnualRevenue ?? 0,
                       openCases: account.Open_Cases__c ?? 0, health: account.Health__c ?? "yellow", source: "salesforce")
    }

    /// `classify_event`.
    func classify(_ result: SearchResult, client: Client) async throws -> Classification {
        guard let openAI else { return MockAPIService.classification(of: result) }
        let content = try await chat(openAI, "Classify this news about our client \(client.name) as JSON with category, relevance (0-1), sentiment (-1 to 1) and risk.\n\(result.title). \(result.snippet)")
        do {
            return try JSONDecoder().decode(Classification.self, from: Data(content.utf8))
        } catch {
            throw ServiceError(service: "OpenAI", call: "POST /v1/chat/completions", problem: .malformed("the classification is not the JSON asked for: \(content.prefix(200))"))
        }
    }

    /// `generate_insights`.
    func insights(_ result: SearchResult, client: Client, crm: CRMData) async throws -> String {
        guard let openAI else { return MockAPIService.insights(for: result, client: client, crm: crm) }
        return try await chat(openAI, "Give insights, recommended actions and urgency for this event about \(client.name) (health \(crm.health)).\n\(result.title). \(result.snippet)")
    }

    private func chat(_ api: ServiceClient, _ prompt: String) async throws -> String {
        let answer: ChatAnswer = try await api.send(.POST, "/v1/chat/completions", body: ChatRequest(model: "gpt-4o-mini", messages: [.init(role: "user", content: prompt)]))
        guard let content = answer.choices.first?.message.content else {
            throw ServiceError(service: "OpenAI", call: "POST /v1/chat/completions", problem: .malformed("no choice in the answer"))
        }
        return content
    }

    static func encoded(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "" }

    struct GoogleAnswer: Decodable {
        struct Item: Decodable { let title: String; let link: String; let snippet: String? }
        let items: [Item]?
    }

    struct TokenAnswer: Decodable { let access_token: String; let instance_url: String }

    struct QueryAnswer: Decodable {
        struct Record: Decodable {
            let Name: String
            let Industry: String?
            let AnnualRevenue: Double?
            let Open_Cases__c: Int?
            let Health__c: String?
        }
        let records: [Record]
    }

    struct ChatRequest: Encodable, Sendable {
        struct Message: Encodable, Sendable { let role: String; let content: String }
        let model: String
        let messages: [Message]
    }

    struct ChatAnswer: Decodable {
        struct Choice: Decodable {
            struct Message: Decodable { let content: String? }
            let message: Message
        }
        let choices: [Choice]
    }
}
