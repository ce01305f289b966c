public import ExampleKit
public import Foundation

/// The application's `contacts` table, with the columns of the seed's status-column loop.
public enum Contacts {
    public static func create(in db: any AppDatabase) async throws {
        let d = db.dialect
        try await db.execute("""
            CREATE TABLE IF NOT EXISTS \(db.table("contacts")) (
                id TEXT PRIMARY KEY,
                email TEXT NOT NULL,
                name TEXT,
                phone_number TEXT,
                domain_id TEXT,
                page_id TEXT,
                hubspot_sync_status TEXT NOT NULL DEFAULT 'New',
                hubspot_processing_status TEXT NOT NULL DEFAULT 'New',
                hubspot_processing_error TEXT,
                hubspot_contact_id TEXT,
                retry_count INTEGER NOT NULL DEFAULT 0,
                next_retry_at \(d.timestamp),
                updated_at \(d.timestamp) NOT NULL
            )
            """)
    }

    /// A contact to push, as the seed's test plan inserts them: both statuses `Queued`.
    public struct New: Sendable {
        public var id: String
        public var email: String
        public var name: String
        public var phone: String?
        public var domainID: String
        public var pageID: String

        public init(id: String, email: String, name: String, phone: String?, domainID: String, pageID: String) {
            self.id = id
            self.email = email
            self.name = name
            self.phone = phone
            self.domainID = domainID
            self.pageID = pageID
        }
    }

    public static func queue(_ contacts: [New], in db: any AppDatabase, at now: Date) async throws {
        for (offset, contact) in contacts.enumerated() {
            // Each a millisecond later than the one before: the loop takes them in this order.
            try await db.execute("""
                INSERT INTO \(db.table("contacts")) (id, email, name, phone_number, domain_id, page_id,
                    hubspot_sync_status, hubspot_processing_status, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, 'Queued', 'Queued', ?)
                """, [.text(contact.id), .text(contact.email), .text(contact.name), .optional(contact.phone),
                      .text(contact.domainID), .text(contact.pageID), .date(now.addingTimeInterval(Double(offset) / 1_000))])
        }
    }
}
