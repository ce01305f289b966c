public import ExampleKit

/// Deals and what the workers write about them.
public enum DealTables {
    public static func create(in db: any AppDatabase) async throws {
        let d = db.dialect
        let statements = [
            "CREATE TABLE IF NOT EXISTS \(db.table("deals")) (id TEXT PRIMARY KEY, name TEXT NOT NULL, active \(d.boolean) NOT NULL, drive_folder TEXT, synced_through \(d.timestamp))",
            """
            CREATE TABLE IF NOT EXISTS \(db.table("documents")) (id TEXT PRIMARY KEY, deal_id TEXT NOT NULL, title TEXT NOT NULL, body TEXT NOT NULL,
                summary TEXT, risks TEXT, workstream TEXT, runs INTEGER NOT NULL DEFAULT 0)
            """,
            """
            CREATE TABLE IF NOT EXISTS \(db.table("emails")) (id TEXT PRIMARY KEY, deal_id TEXT NOT NULL, body TEXT NOT NULL,
                sentiment TEXT, blocker TEXT, runs INTEGER NOT NULL DEFAULT 0)
            """,
            "CREATE TABLE IF NOT EXISTS \(db.table("daily_briefs")) (deal_id TEXT NOT NULL, day TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (deal_id, day))",
        ]
        for statement in statements { try await db.execute(statement) }
    }
}
