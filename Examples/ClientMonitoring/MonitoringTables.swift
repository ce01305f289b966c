public import ExampleKit

/// The seed's tables. `automation_schedules` keeps what a user defines; when a schedule last
/// ran, how, and when it runs next are Conveyor's schedule (one record of each run, not two).
public enum MonitoringTables {
    public static func create(in db: any AppDatabase) async throws {
        let d = db.dialect, t = d.timestamp, b = d.boolean
        let statements = [
            "CREATE TABLE IF NOT EXISTS \(db.table("users")) (id INTEGER PRIMARY KEY, business_id TEXT NOT NULL, email TEXT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS \(db.table("clients")) (id TEXT PRIMARY KEY, business_id TEXT NOT NULL, name TEXT NOT NULL, assigned_user_id INTEGER)",
            """
            CREATE TABLE IF NOT EXISTS \(db.table("user_preferences")) (id TEXT PRIMARY KEY, user_id INTEGER NOT NULL UNIQUE, business_id TEXT NOT NULL,
                notification_enabled \(b) NOT NULL, email_notifications_enabled \(b) NOT NULL, relevance_threshold DOUBLE PRECISION NOT NULL,
                notification_categories TEXT, notification_frequency TEXT NOT NULL, assigned_clients_only \(b) NOT NULL,
                digest_time TEXT NOT NULL, digest_day_of_week INTEGER NOT NULL, created_at \(t) NOT NULL, updated_at \(t) NOT NULL)
            """,
            """
            CREATE TABLE IF NOT EXISTS \(db.table("event_raw_data")) (id TEXT PRIMARY KEY, business_id TEXT NOT NULL, client_id TEXT NOT NULL,
                source_api TEXT NOT NULL, raw_content TEXT NOT NULL, content_hash TEXT NOT NULL, is_processed \(b) NOT NULL,
                processed_into_event_id TEXT, created_at \(t) NOT NULL, processed_at \(t), UNIQUE (business_id, content_hash))
            """,
            """
            CREATE TABLE IF NOT EXISTS \(db.table("events")) (id TEXT PRIMARY KEY, business_id TEXT NOT NULL, client_id TEXT NOT NULL,
                title TEXT NOT NULL, url TEXT NOT NULL, category TEXT NOT NULL, relevance DOUBLE PRECISION NOT NULL, sentiment DOUBLE PRECISION NOT NULL,
                risk TEXT NOT NULL, crm_health TEXT, insights TEXT, created_at \(t) NOT NULL)
            """,
            """
            CREATE TABLE IF NOT EXISTS \(db.table("notifications")) (id TEXT PRIMARY KEY, user_id INTEGER NOT NULL, event_id TEXT NOT NULL,
                title TEXT NOT NULL, created_at \(t) NOT NULL, UNIQUE (user_id, event_id))
            """,
            """
            CREATE TABLE IF NOT EXISTS \(db.table("email_logs")) (id TEXT PRIMARY KEY, business_id TEXT NOT NULL, user_id INTEGER NOT NULL,
                event_id TEXT, job_run_id BIGINT, email_type TEXT NOT NULL, recipient_email TEXT NOT NULL, subject TEXT NOT NULL,
                body_preview TEXT NOT NULL, sent_at \(t), status TEXT NOT NULL, error_message TEXT, retry_count INTEGER NOT NULL DEFAULT 0,
                provider TEXT NOT NULL, provider_message_id TEXT, opened_at \(t), clicked_at \(t))
            """,
            """
            CREATE TABLE IF NOT EXISTS \(db.table("automation_schedules")) (id TEXT PRIMARY KEY, business_id TEXT NOT NULL,
                created_by_user_id INTEGER NOT NULL, name TEXT NOT NULL, description TEXT NOT NULL, job_type TEXT NOT NULL,
                client_ids TEXT, config TEXT, schedule_type TEXT NOT NULL, cron_expression TEXT, hour_of_day INTEGER,
                minute_of_hour INTEGER, day_of_week INTEGER, day_of_month INTEGER, created_at \(t) NOT NULL, updated_at \(t) NOT NULL)
            """,
        ]
        for statement in statements { try await db.execute(statement) }
    }
}
