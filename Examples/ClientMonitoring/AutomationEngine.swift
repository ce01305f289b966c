import Conveyor
import Crypto
import ExampleKit
import Foundation

/// `AutomationEngineService`: the seed's pipeline for one run of a schedule, over its clients:
/// search → raw data (SHA-256 dedup) → CRM → AI classification → events → preference filter
/// → insights (relevance ≥ 0.7) → in-app notifications and email.
public struct AutomationEngine: Sendable {
    let db: any AppDatabase
    let settings: MonitoringSettings

    static let insightThreshold = 0.7

    struct Metrics: Encodable {
        var clients = 0, results = 0, new_raw = 0, duplicates = 0, events = 0, insights = 0, notifications = 0, emails_sent = 0, emails_failed = 0
    }

    /// `execute_client_monitoring_job`; `searchOnly` stops after the raw data (`search_only`).
    func run(_ args: MonitoringRun, context: JobContext, searchOnly: Bool) async throws -> Metrics {
        let providers = Providers(settings: settings, forceMock: args.forceMock)
        let clients = try await self.clients(of: args)
        var metrics = Metrics()
        for (index, client) in clients.enumerated() {
            try await context.progress(Double(index) / Double(max(clients.count, 1)), "client \(client.name)")
            let results = try await providers.search(client)
            metrics.results += results.count
            var fresh: [(raw: String, result: SearchResult)] = []
            for result in results {
                if let raw = try await saveRawData(result, client: client, business: args.businessID, source: providers.searchSource) {
                    fresh.append((raw, result))
                } else {
                    metrics.duplicates += 1
                }
            }
            metrics.new_raw += fresh.count
            metrics.clients += 1
            guard !searchOnly, !fresh.isEmpty else { continue }
            let crm = try await providers.enrich(client)
            for (raw, result) in fresh {
                try await process(result, raw: raw, client: client, crm: crm, business: args.businessID, providers: providers, context: context, metrics: &metrics)
            }
        }
        return metrics
    }

    private func process(_ result: SearchResult, raw: String, client: Client, crm: CRMData, business: String, providers: Providers,
                         context: JobContext, metrics: inout Metrics) async throws {
        let classification = try await providers.classify(result, client: client)
        let event = UUID().uuidString.lowercased(), now = context.job.attemptedAt ?? Date()
        try await db.execute("""
            INSERT INTO \(db.table("events")) (id, business_id, client_id, title, url, category, relevance, sentiment, risk, crm_health, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(event), .text(business), .text(client.id), .text(result.title), .text(result.link), .text(classification.category),
                  .double(classification.relevance), .double(classification.sentiment), .text(classification.risk), .text(crm.health), .date(now)])
        try await db.execute("UPDATE \(db.table("event_raw_data")) SET is_processed = ?, processed_into_event_id = ?, processed_at = ? WHERE id = ?",
                             [.bool(true), .text(event), .date(now), .text(raw)])
        metrics.events += 1
        let users = try await usersToNotify(business: business, category: classification.category, relevance: classification.relevance, client: client, now: now)
        var insights: String?
        if classification.relevance >= Self.insightThreshold, !users.isEmpty {
            insights = try await providers.insights(result, client: client, crm: crm)
            try await db.execute("UPDATE \(db.table("events")) SET insights = ? WHERE id = ?", [.optional(insights), .text(event)])
            metrics.insights += 1
        }
        let email = EmailService(db: db, settings: settings)
        for (user, preferences) in users {
            let inserted = try await db.query("""
                INSERT INTO \(db.table("notifications")) (id, user_id, event_id, title, created_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (user_id, event_id) DO NOTHING RETURNING id
                """, [.text(UUID().uuidString.lowercased()), .int(user.id), .text(event), .text("\(client.name): \(result.title)"), .date(now)])
            guard !inserted.isEmpty else { continue }
            metrics.notifications += 1
            guard preferences.email_notifications_enabled, preferences.notification_frequency == "instant" else { continue }
            let sent = try await email.send(.init(
                businessID: business, userID: user.id, to: user.email, type: "event_notification",
                subject: "[\(classification.category)] \(client.name): \(result.title)",
                html: EmailService.eventHTML(client: client.name, title: result.title, url: result.link, category: classification.category,
                                             relevance: classification.relevance, insights: insights),
                eventID: event, jobID: context.job.id), now: now)
            if sent { metrics.emails_sent += 1 } else { metrics.emails_failed += 1 }
        }
    }

    /// `save_raw_data`: nil when the same content was saved before for the business.
    private func saveRawData(_ result: SearchResult, client: Client, business: String, source: String) async throws -> String? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let content = String(decoding: try encoder.encode(result), as: UTF8.self)
        let hash = SHA256.hash(data: Data(content.utf8)).map { String(format: "%02x", $0) }.joined()
        let rows = try await db.query("""
            INSERT INTO \(db.table("event_raw_data")) (id, business_id, client_id, source_api, raw_content, content_hash, is_processed, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (business_id, content_hash) DO NOTHING RETURNING id
            """, [.text(UUID().uuidString.lowercased()), .text(business), .text(client.id), .text(source), .text(content), .text(hash), .bool(false), .date(Date())])
        return rows.first?["id"].text
    }

    private func clients(of run: MonitoringRun) async throws -> [Client] {
        let rows = try await db.query("SELECT id, name, assigned_user_id FROM \(db.table("clients")) WHERE business_id = ? ORDER BY name", [.text(run.businessID)])
        let all = rows.map { Client(id: $0["id"].text ?? "", name: $0["name"].text ?? "", assignedUserID: $0["assigned_user_id"].int) }
        guard let wanted = run.clientIDs else { return all }
        return all.filter { wanted.contains($0.id) }
    }

    /// `get_users_to_notify`.
    private func usersToNotify(business: String, category: String, relevance: Double, client: Client, now: Date) async throws -> [(user: (id: Int, email: String), preferences: UserPreferences)] {
        var answer: [(user: (id: Int, email: String), preferences: UserPreferences)] = []
        for row in try await db.query("SELECT id, email FROM \(db.table("users")) WHERE business_id = ? ORDER BY id", [.text(business)]) {
            let user = (id: row["id"].int ?? 0, email: row["email"].text ?? "")
            let preferences = try await UserPreferences.getOrCreate(user: user.id, db: db, now: now)
            if preferences.shouldNotify(category: category, relevance: relevance, assignedUserID: client.assignedUserID) { answer.append((user, preferences)) }
        }
        return answer
    }
}
