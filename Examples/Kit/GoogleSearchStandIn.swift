import Conveyor
import Foundation
public import Hummingbird
import Synchronization

/// Google's Custom Search JSON API (`GET /customsearch/v1?key=…&cx=…&q=…`): results planned
/// per query word, in Google's format.
public final class GoogleSearchStandIn: Sendable {
    public struct Result: Sendable {
        public var title: String
        public var link: String
        public var snippet: String

        public init(title: String, link: String, snippet: String) {
            self.title = title
            self.link = link
            self.snippet = snippet
        }
    }

    private let results = Mutex<[String: [Result]]>([:])
    private let served = Mutex(0)
    public let faults = Faults()

    public init() {}

    /// Queries containing `word` (case-insensitive) answer `items`.
    public func answer(_ word: String, with items: [Result]) { results.withLock { $0[word.lowercased()] = items } }

    public var calls: Int { served.withLock { $0 } }

    public var router: Router<BasicRequestContext> {
        let router = Router()
        router.get("customsearch/v1") { request, _ in
            self.served.withLock { $0 += 1 }
            let query = request.uri.queryParameters
            guard query["key"].map({ !$0.isEmpty }) == true, query["cx"].map({ !$0.isEmpty }) == true else {
                return try StandInAnswer.json(["error": ["code": 400, "message": "API key not valid. Please pass a valid API key.",
                                                         "status": "INVALID_ARGUMENT"]] as JSONValue, status: 400)
            }
            if let fault = try await self.faults.response(for: "search") { return fault }
            let q = (query["q"].map(String.init) ?? "").lowercased()
            let items = self.results.withLock { results in results.first { q.contains($0.key) }?.value ?? [] }
            return try StandInAnswer.json(Answer(
                queries: .init(request: [.init(searchTerms: q, count: items.count)]),
                searchInformation: .init(totalResults: String(items.count)),
                items: items.map { .init(title: $0.title, link: $0.link, displayLink: URL(string: $0.link)?.host() ?? "", snippet: $0.snippet) }))
        }
        return router
    }

    private struct Answer: Encodable {
        struct Queries: Encodable { let request: [Query] }
        struct Query: Encodable { let searchTerms: String; let count: Int }
        struct Information: Encodable { let totalResults: String }
        struct Item: Encodable {
            let kind = "customsearch#result"
            let title: String
            let link: String
            let displayLink: String
            let snippet: String
        }
        let kind = "customsearch#search"
        let queries: Queries
        let searchInformation: Information
        let items: [Item]
    }
}
