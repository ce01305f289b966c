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
                return HubSpotStandIn.error(400, "badRequest", "API key not valid. Please pass a valid API key.")
            }
            if let fault = try await self.faults.response(for: "search") { return fault }
            let q = (query["q"].map(String.init) ?? "").lowercased()
            let items = self.results.withLock { results in results.first { q.contains($0.key) }?.value ?? [] }
            return try HubSpotStandIn.json(Answer(
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

/// Salesforce's REST API as far as enrichment needs: the OAuth refresh-token grant
/// (`POST /services/oauth2/token`) and SOQL queries (`GET /services/data/v59.0/query`) on
/// accounts, answering in Salesforce's formats.
public final class SalesforceStandIn: Sendable {
    public struct Account: Sendable {
        public var name: String
        public var industry: String
        public var annualRevenue: Double
        public var openCases: Int
        public var health: String

        public init(name: String, industry: String, annualRevenue: Double, openCases: Int, health: String) {
            self.name = name
            self.industry = industry
            self.annualRevenue = annualRevenue
            self.openCases = openCases
            self.health = health
        }
    }

    private let accounts = Mutex<[Account]>([])
    private let tokens = Mutex<Set<String>>([])
    public let faults = Faults()

    public init() {}

    public func add(_ account: Account) { accounts.withLock { $0.append(account) } }

    public var router: Router<BasicRequestContext> {
        let router = Router()
        router.post("services/oauth2/token") { request, _ in
            let body = String(buffer: try await request.body.collect(upTo: 1 << 16))
            let form = Dictionary(body.split(separator: "&").map { pair in
                let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? "" }
                return (parts[0], parts.count > 1 ? parts[1] : "")
            }, uniquingKeysWith: { $1 })
            guard form["grant_type"] == "refresh_token", form["refresh_token"]?.isEmpty == false, form["client_id"]?.isEmpty == false else {
                return HubSpotStandIn.error(400, "invalid_grant", "expired access/refresh token")
            }
            let token = "00D" + UUID().uuidString.replacing("-", with: "").prefix(20)
            self.tokens.withLock { _ = $0.insert(token) }
            return try HubSpotStandIn.json(["access_token": token, "instance_url": "", "token_type": "Bearer", "issued_at": "1761600000000"])
        }
        router.get("services/data/v59.0/query") { request, _ in
            let token = request.headers[.authorization].map { $0.replacing("Bearer ", with: "") } ?? ""
            guard self.tokens.withLock({ $0.contains(token) }) else {
                return Response(status: .unauthorized, headers: [.contentType: "application/json"],
                                body: .init(byteBuffer: .init(string: #"[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]"#)))
            }
            if let fault = try await self.faults.response(for: "query") { return fault }
            let soql = request.uri.queryParameters["q"].map(String.init) ?? ""
            let name = soql.firstMatch(of: /Name = '([^']*)'/).map { String($0.1).replacing("\\'", with: "'") }
            let found = self.accounts.withLock { $0.filter { $0.name == name } }
            return try HubSpotStandIn.json(QueryAnswer(totalSize: found.count, done: true, records: found.enumerated().map { index, account in
                .init(attributes: .init(type: "Account", url: "/services/data/v59.0/sobjects/Account/001\(index)"), Id: "001\(index)",
                      Name: account.name, Industry: account.industry, AnnualRevenue: account.annualRevenue,
                      Open_Cases__c: account.openCases, Health__c: account.health)
            }))
        }
        return router
    }

    private struct QueryAnswer: Encodable {
        struct Record: Encodable {
            struct Attributes: Encodable { let type: String; let url: String }
            let attributes: Attributes
            let Id: String
            let Name: String
            let Industry: String
            let AnnualRevenue: Double
            let Open_Cases__c: Int
            let Health__c: String
        }
        let totalSize: Int
        let done: Bool
        let records: [Record]
    }
}

/// Postmark's email API (`POST /email` with `X-Postmark-Server-Token`), answering as Postmark
/// does; keeps what it was sent.
public final class PostmarkStandIn: Sendable {
    public struct Sent: Sendable {
        public var to: String
        public var subject: String
        public var html: String
        public var messageID: String
    }

    private let sent = Mutex<[Sent]>([])
    public let faults = Faults()

    public init() {}

    public var messages: [Sent] { sent.withLock { $0 } }

    public var router: Router<BasicRequestContext> {
        let router = Router()
        router.post("email") { request, context in
            guard request.headers[HTTPField.Name("X-Postmark-Server-Token")!]?.isEmpty == false else {
                return HubSpotStandIn.json(status: 401, ["ErrorCode": .int(10), "Message": .text("No Account or Server API tokens were supplied in the HTTP headers.")])
            }
            if let fault = try await self.faults.response(for: "email") { return fault }
            let input = try await request.decode(as: Email.self, context: context)
            guard input.To.contains("@") else {
                return HubSpotStandIn.json(status: 422, ["ErrorCode": .int(300), "Message": .text("Invalid 'To' address: '\(input.To)'.")])
            }
            let id = UUID().uuidString.lowercased()
            self.sent.withLock { $0.append(Sent(to: input.To, subject: input.Subject, html: input.HtmlBody ?? "", messageID: id)) }
            return HubSpotStandIn.json(status: 200, ["To": .text(input.To), "SubmittedAt": .text(Date().formatted(.iso8601)), "MessageID": .text(id),
                                                     "ErrorCode": .int(0), "Message": .text("OK")])
        }
        return router
    }

    private struct Email: Decodable {
        let From: String
        let To: String
        let Subject: String
        let HtmlBody: String?
        let TextBody: String?
    }
}

import HTTPTypes
import NIOCore
