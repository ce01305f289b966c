import Foundation
public import Hummingbird
import NIOCore
import Synchronization

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
                return try StandInAnswer.json(["error": "invalid_grant", "error_description": "expired access/refresh token"], status: 400)
            }
            let token = "00D" + UUID().uuidString.replacing("-", with: "").prefix(20)
            self.tokens.withLock { _ = $0.insert(token) }
            return try StandInAnswer.json(["access_token": token, "instance_url": "", "token_type": "Bearer", "issued_at": "1761600000000"])
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
            return try StandInAnswer.json(QueryAnswer(totalSize: found.count, done: true, records: found.enumerated().map { index, account in
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
