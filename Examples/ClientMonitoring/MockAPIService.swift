import Crypto
import Foundation

/// The seed's `MockAPIService`: realistic, deterministic data when real APIs are unavailable
/// or a schedule says `force_mock` (the same client always gets the same data).
enum MockAPIService {
    private static let headlines = [
        ("%@ announces expansion into European markets", "The company plans to open three new offices."),
        ("%@ faces lawsuit over customer data breach", "Regulators are reviewing the incident."),
        ("%@ launches AI-powered analytics product", "The launch targets mid-market customers."),
        ("%@ raises $40M in Series C funding", "The round was led by existing investors."),
        ("%@ announces layoffs of 8% of staff", "The cuts affect sales and support teams."),
        ("%@ CEO interviewed at industry conference", "The interview covered the company's roadmap."),
    ]

    /// Bytes of the client's id, the seed of everything deterministic here.
    private static func seed(_ client: Client) -> [UInt8] { Array(SHA256.hash(data: Data(client.id.utf8))) }

    /// 3 to 5 results, in Google's shape.
    static func searchResults(for client: Client) -> [SearchResult] {
        let bytes = seed(client), count = 3 + Int(bytes[0] % 3)
        return (0..<count).map { offset in
            let (title, snippet) = headlines[(Int(bytes[1]) + offset) % headlines.count]
            let slug = client.name.lowercased().replacing(" ", with: "-")
            return SearchResult(title: String(format: title, client.name), link: "https://news.example.com/\(slug)/\(offset)", snippet: snippet)
        }
    }

    static func crmData(for client: Client, source: String = "mock") -> CRMData {
        let bytes = seed(client)
        return CRMData(accountName: client.name, industry: ["Software", "Retail", "Finance"][Int(bytes[2] % 3)],
                       annualRevenue: Double(bytes[3]) * 1_000_000, openCases: Int(bytes[4] % 8),
                       health: ["green", "yellow", "red"][Int(bytes[5] % 3)], source: source)
    }

    /// Rule-based classification by keywords of the title and snippet.
    static func classification(of result: SearchResult) -> Classification {
        let text = (result.title + " " + result.snippet).lowercased()
        if ["lawsuit", "breach", "layoffs", "bankrupt"].contains(where: text.contains) {
            return Classification(category: "risk", relevance: 0.9, sentiment: -0.7, risk: "high")
        }
        if ["expansion", "funding", "raises", "acquisition"].contains(where: text.contains) {
            return Classification(category: "expansion", relevance: 0.8, sentiment: 0.6, risk: "low")
        }
        if text.contains("launch") { return Classification(category: "product", relevance: 0.6, sentiment: 0.4, risk: "low") }
        return Classification(category: "general", relevance: 0.3, sentiment: 0.1, risk: "low")
    }

    static func insights(for result: SearchResult, client: Client, crm: CRMData) -> String {
        let urgency = crm.isAtRisk ? "high" : "normal"
        return "\(client.name): \(result.title). Account health \(crm.health), \(crm.openCases) open cases. Recommended: reach out to the account owner this week. Urgency: \(urgency)."
    }
}

/// A client a business monitors.
struct Client: Sendable {
    let id: String
    let name: String
    let assignedUserID: Int?
}
