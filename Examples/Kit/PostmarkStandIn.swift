import Conveyor
import Foundation
import HTTPTypes
public import Hummingbird
import Synchronization

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
                return try StandInAnswer.json(["ErrorCode": 10, "Message": "No Account or Server API tokens were supplied in the HTTP headers."] as JSONValue,
                                              status: 401)
            }
            if let fault = try await self.faults.response(for: "email") { return fault }
            let input = try await request.decode(as: Email.self, context: context)
            guard input.To.contains("@") else {
                return try StandInAnswer.json(["ErrorCode": 300, "Message": .string("Invalid 'To' address: '\(input.To)'.")] as JSONValue, status: 422)
            }
            let id = UUID().uuidString.lowercased()
            self.sent.withLock { $0.append(Sent(to: input.To, subject: input.Subject, html: input.HtmlBody ?? "", messageID: id)) }
            return try StandInAnswer.json(["To": .string(input.To), "SubmittedAt": .string(Date().formatted(.iso8601)), "MessageID": .string(id),
                                           "ErrorCode": 0, "Message": "OK"] as JSONValue)
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
