public import ExampleKit

/// The seed's tables: users with a HubSpot integration, `contact_embeddings` with the
/// `notes_processed` flag, and `contact_notes` with one row per HubSpot note.
public enum NotesTables {
    public static func create(in db: any AppDatabase) async throws {
        let d = db.dialect
        try await db.execute("""
            CREATE TABLE IF NOT EXISTS \(db.table("users")) (
                id TEXT PRIMARY KEY,
                email TEXT NOT NULL,
                hubspot_access_token TEXT
            )
            """)
        try await db.execute("""
            CREATE TABLE IF NOT EXISTS \(db.table("contact_embeddings")) (
                id TEXT PRIMARY KEY,
                user_id TEXT NOT NULL,
                contact_id TEXT NOT NULL,
                notes_processed \(d.boolean) NOT NULL DEFAULT \(d == .sqlite ? "0" : "false")
            )
            """)
        try await db.execute("""
            CREATE TABLE IF NOT EXISTS \(db.table("contact_notes")) (
                id \(d.serialKey),
                user_id TEXT NOT NULL,
                contact_embedding_id TEXT NOT NULL,
                hubspot_note_id TEXT NOT NULL,
                content TEXT NOT NULL,
                embedding TEXT,
                metadata \(d.json) NOT NULL,
                UNIQUE (user_id, hubspot_note_id)
            )
            """)
    }
}
