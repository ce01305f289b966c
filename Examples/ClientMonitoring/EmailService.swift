import ExampleKit
import Foundation

/// `EmailService`: HTML email through Postmark's API, each one written to `email_logs`
/// (sent, or failed with the provider's message); a failed email never fails the run.
struct EmailService: Sendable {
    let db: any AppDatabase
    let settings: MonitoringSettings

    struct Message {
        let businessID: String
        let userID: Int
        let to: String
        let type: String
        let subject: String
        let html: String
        let eventID: String?
        let jobID: Int64
    }

    /// Sends `message`; answers whether it was accepted.
    @discardableResult
    func send(_ message: Message, now: Date) async throws -> Bool {
        var status = "sent", failure: String?, providerID: String?
        if let token = settings.postmarkToken {
            let postmark = ServiceClient(service: "Postmark", baseURL: settings.postmarkBaseURL, headers: [("X-Postmark-Server-Token", token), ("Accept", "application/json")])
            do {
                let answer: PostmarkAnswer = try await postmark.send(.POST, "/email", body: PostmarkEmail(
                    From: "\(settings.fromName) <\(settings.fromEmail)>", To: message.to, Subject: message.subject, HtmlBody: message.html,
                    TextBody: message.html.replacing(/<[^>]*>/, with: ""), MessageStream: "outbound", Tag: message.type))
                providerID = answer.MessageID
            } catch {
                status = "failed"
                failure = "\(error)"
            }
        } else {
            status = "failed"
            failure = "POSTMARK_SERVER_TOKEN is not set"
        }
        try await db.execute("""
            INSERT INTO \(db.table("email_logs")) (id, business_id, user_id, event_id, job_run_id, email_type, recipient_email, subject, body_preview,
                sent_at, status, error_message, provider, provider_message_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'postmark', ?)
            """, [.text(UUID().uuidString.lowercased()), .text(message.businessID), .int(message.userID), .optional(message.eventID), .int(Int(message.jobID)),
                  .text(message.type), .text(message.to), .text(message.subject), .text(String(message.html.replacing(/<[^>]*>/, with: "").prefix(200))),
                  status == "sent" ? .date(now) : .null, .text(status), .optional(failure), .optional(providerID)])
        return status == "sent"
    }

    /// `_build_event_email_html`.
    static func eventHTML(client: String, title: String, url: String, category: String, relevance: Double, insights: String?) -> String {
        let escape = { (text: String) in text.replacing("&", with: "&amp;").replacing("<", with: "&lt;").replacing(">", with: "&gt;") }
        return """
            <html><body style="font-family: sans-serif"><h2>\(escape(client)): \(escape(title))</h2>
            <p>Category <b>\(escape(category))</b>, relevance \(String(format: "%.2f", relevance)).</p>
            \(insights.map { "<p>\(escape($0))</p>" } ?? "")<p><a href="\(escape(url))">Read the article</a></p></body></html>
            """
    }

    struct PostmarkEmail: Encodable, Sendable {
        let From: String
        let To: String
        let Subject: String
        let HtmlBody: String
        let TextBody: String
        let MessageStream: String
        let Tag: String
    }

    struct PostmarkAnswer: Decodable { let MessageID: String }
}
