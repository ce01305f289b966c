import ExampleKit
public import Foundation

/// `UserPreferenceService`: a user's notification settings, with the seed's defaults.
public struct UserPreferences: Codable, Sendable, Equatable {
    public var id: String
    public var user_id: Int
    public var business_id: String
    public var notification_enabled = true
    public var email_notifications_enabled = true
    public var relevance_threshold = 0.7
    /// nil: every category.
    public var notification_categories: [String]?
    /// `instant`, `daily` or `weekly`.
    public var notification_frequency = "instant"
    public var assigned_clients_only = false
    public var digest_time = "09:00:00"
    public var digest_day_of_week = 0
    public var created_at: Date
    public var updated_at: Date

    /// `get_or_create_preferences`.
    static func getOrCreate(user: Int, db: any AppDatabase, now: Date) async throws -> UserPreferences {
        if let row = try await db.first("SELECT * FROM \(db.table("user_preferences")) WHERE user_id = ?", [.int(user)]) { return try UserPreferences(row) }
        guard let business = try await db.first("SELECT business_id FROM \(db.table("users")) WHERE id = ?", [.int(user)])?["business_id"].text else {
            throw MonitoringError.notFound("user \(user)")
        }
        let preferences = UserPreferences(id: UUID().uuidString.lowercased(), user_id: user, business_id: business, created_at: now, updated_at: now)
        try await preferences.save(in: db, inserting: true)
        return preferences
    }

    /// `update_preferences`: only the fields given change; each is checked.
    mutating func apply(_ change: Change, now: Date) throws {
        if let value = change.relevance_threshold {
            guard (0...1).contains(value) else { throw MonitoringError.invalid("relevance_threshold", "must be between 0.0 and 1.0, got \(value)") }
            relevance_threshold = value
        }
        if let value = change.notification_frequency {
            guard ["instant", "daily", "weekly"].contains(value) else { throw MonitoringError.invalid("notification_frequency", "must be instant, daily or weekly, got '\(value)'") }
            notification_frequency = value
        }
        if let value = change.digest_time {
            guard value.wholeMatch(of: /([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?/) != nil else { throw MonitoringError.invalid("digest_time", "must be HH:MM:SS, got '\(value)'") }
            digest_time = value.count == 5 ? value + ":00" : value
        }
        if let value = change.digest_day_of_week {
            guard (0...6).contains(value) else { throw MonitoringError.invalid("digest_day_of_week", "must be 0 (Monday) to 6, got \(value)") }
            digest_day_of_week = value
        }
        if let value = change.notification_categories { notification_categories = value.isEmpty ? nil : value }
        if let value = change.notification_enabled { notification_enabled = value }
        if let value = change.email_notifications_enabled { email_notifications_enabled = value }
        if let value = change.assigned_clients_only { assigned_clients_only = value }
        updated_at = now
    }

    /// `should_notify_for_event`.
    func shouldNotify(category: String, relevance: Double, assignedUserID: Int?) -> Bool {
        notification_enabled && relevance >= relevance_threshold && (notification_categories?.contains(category) ?? true)
            && (!assigned_clients_only || assignedUserID == user_id)
    }

    public struct Change: Decodable, Sendable {
        var notification_enabled: Bool?
        var email_notifications_enabled: Bool?
        var relevance_threshold: Double?
        var notification_categories: [String]?
        var notification_frequency: String?
        var assigned_clients_only: Bool?
        var digest_time: String?
        var digest_day_of_week: Int?
    }

    init(id: String, user_id: Int, business_id: String, created_at: Date, updated_at: Date) {
        self.id = id
        self.user_id = user_id
        self.business_id = business_id
        self.created_at = created_at
        self.updated_at = updated_at
    }

    init(_ row: SQLRow) throws {
        id = row["id"].text ?? ""
        user_id = row["user_id"].int ?? 0
        business_id = row["business_id"].text ?? ""
        notification_enabled = row["notification_enabled"].bool ?? true
        email_notifications_enabled = row["email_notifications_enabled"].bool ?? true
        relevance_threshold = row["relevance_threshold"].double ?? 0.7
        notification_categories = try row["notification_categories"].text.map { try JSONDecoder().decode([String].self, from: Data($0.utf8)) }
        notification_frequency = row["notification_frequency"].text ?? "instant"
        assigned_clients_only = row["assigned_clients_only"].bool ?? false
        digest_time = row["digest_time"].text ?? "09:00:00"
        digest_day_of_week = row["digest_day_of_week"].int ?? 0
        created_at = row["created_at"].date ?? Date(timeIntervalSince1970: 0)
        updated_at = row["updated_at"].date ?? Date(timeIntervalSince1970: 0)
    }

    func save(in db: any AppDatabase, inserting: Bool = false) async throws {
        let categories: SQLValue = try notification_categories.map { .text(String(decoding: try JSONEncoder().encode($0), as: UTF8.self)) } ?? .null
        let values: [SQLValue] = [.bool(notification_enabled), .bool(email_notifications_enabled), .double(relevance_threshold), categories,
                                  .text(notification_frequency), .bool(assigned_clients_only), .text(digest_time), .int(digest_day_of_week), .date(updated_at)]
        if inserting {
            try await db.execute("""
                INSERT INTO \(db.table("user_preferences")) (notification_enabled, email_notifications_enabled, relevance_threshold, notification_categories,
                    notification_frequency, assigned_clients_only, digest_time, digest_day_of_week, updated_at, id, user_id, business_id, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, values + [.text(id), .int(user_id), .text(business_id), .date(created_at)])
        } else {
            try await db.execute("""
                UPDATE \(db.table("user_preferences")) SET notification_enabled = ?, email_notifications_enabled = ?, relevance_threshold = ?,
                    notification_categories = ?, notification_frequency = ?, assigned_clients_only = ?, digest_time = ?, digest_day_of_week = ?, updated_at = ?
                WHERE id = ?
                """, values + [.text(id)])
        }
    }
}

/// What the API answers 400 or 404 for.
public enum MonitoringError: Error, CustomStringConvertible {
    case invalid(String, String)
    case notFound(String)

    public var description: String {
        switch self {
        case .invalid(let field, let problem): "\(field): \(problem)"
        case .notFound(let what): "\(what) does not exist"
        }
    }
}
