public import ExampleKit
import Foundation
public import Logging

/// `process_all_unprocessed_contact_notes`: for each of a user's contacts with
/// `notes_processed = false`, fetch its notes from HubSpot, embed each (keeping the text
/// when embedding fails), store them once by `hubspot_note_id`, skip empty ones, and mark the
/// contact processed. A HubSpot failure throws, so the job retries; contacts finished before
/// it stay finished.
public struct NotesImport: Sendable {
    let db: any AppDatabase
    let hubSpotBaseURL: String
    let openAI: ServiceClient
    let timeout: Duration
    let logger: Logger

    public static let embeddingModel = "text-embedding-3-small"

    public init(db: any AppDatabase, hubSpotBaseURL: String, openAIBaseURL: String, openAIKey: String, timeout: Duration = .seconds(30), logger: Logger) {
        self.db = db
        self.hubSpotBaseURL = hubSpotBaseURL
        self.openAI = ServiceClient(service: "OpenAI", baseURL: openAIBaseURL, headers: [("Authorization", "Bearer \(openAIKey)")], timeout: timeout)
        self.timeout = timeout
        self.logger = logger
    }

    public struct Report: Sendable, Equatable {
        public var contacts = 0
        public var stored = 0
        public var embedded = 0
        public var skippedEmpty = 0
        public var skippedDuplicate = 0
    }

    /// `list_contacts_with_unprocessed_notes`: (row id, HubSpot contact id).
    public func listContactsWithUnprocessedNotes(userID: String) async throws -> [(id: String, contactID: String)] {
        try await db.query("""
            SELECT id, contact_id FROM \(db.table("contact_embeddings")) WHERE user_id = ? AND notes_processed = ? ORDER BY id
            """, [.text(userID), .bool(false)]).map { ($0["id"].text ?? "", $0["contact_id"].text ?? "") }
    }

    public func processAllUnprocessedContactNotes(userID: String) async throws -> Report {
        guard let token = try await db.first("SELECT hubspot_access_token FROM \(db.table("users")) WHERE id = ?", [.text(userID)])?["hubspot_access_token"].text else {
            return Report()
        }
        let hubSpot = ServiceClient(service: "HubSpot", baseURL: hubSpotBaseURL, headers: [("Authorization", "Bearer \(token)")], timeout: timeout)
        var report = Report()
        for contact in try await listContactsWithUnprocessedNotes(userID: userID) {
            for note in try await notes(of: contact.contactID, from: hubSpot) {
                try await store(note, userID: userID, contactRow: contact.id, report: &report)
            }
            try await db.execute("UPDATE \(db.table("contact_embeddings")) SET notes_processed = ? WHERE id = ?", [.bool(true), .text(contact.id)])
            report.contacts += 1
        }
        return report
    }

    private func notes(of contactID: String, from hubSpot: ServiceClient) async throws -> [HubSpotNote] {
        let associations: Associations = try await hubSpot.send(.GET, "/crm/v3/objects/contacts/\(contactID)/associations/notes")
        guard !associations.results.isEmpty else { return [] }
        let read = BatchRead(properties: ["hs_note_body", "hs_timestamp"], inputs: associations.results.map { .init(id: $0.id) })
        let answer: BatchNotes = try await hubSpot.send(.POST, "/crm/v3/objects/notes/batch/read", body: read)
        return answer.results
    }

    private func store(_ note: HubSpotNote, userID: String, contactRow: String, report: inout Report) async throws {
        let content = Self.plainText(note.properties["hs_note_body"] ?? nil)
        guard !content.isEmpty else {
            report.skippedEmpty += 1
            return
        }
        let notes = db.table("contact_notes")
        guard try await db.first("SELECT id FROM \(notes) WHERE user_id = ? AND hubspot_note_id = ?", [.text(userID), .text(note.id)]) == nil else {
            report.skippedDuplicate += 1
            return
        }
        var metadata: [String: String] = ["hs_timestamp": (note.properties["hs_timestamp"] ?? nil) ?? "", "source": "hubspot"]
        var embedding: String?
        do {
            embedding = try await embed(content)
            report.embedded += 1
        } catch {
            // The seed's fallback: keep the note as text, searchable once it is embedded later.
            logger.warning("embedding failed; storing the note as text", metadata: ["hubspot_note_id": "\(note.id)", "error": "\(error)"])
            metadata["embedding_error"] = "\(error)"
        }
        let inserted = try await db.query("""
            INSERT INTO \(notes) (user_id, contact_embedding_id, hubspot_note_id, content, embedding, metadata)
            VALUES (?, ?, ?, ?, ?, \(db.dialect == .postgres ? "CAST(? AS jsonb)" : "?"))
            ON CONFLICT (user_id, hubspot_note_id) DO NOTHING RETURNING id
            """, [.text(userID), .text(contactRow), .text(note.id), .text(content), .optional(embedding),
                  .text(String(decoding: try JSONEncoder().encode(metadata), as: UTF8.self))])
        if inserted.isEmpty { report.skippedDuplicate += 1 } else { report.stored += 1 }
    }

    /// The embedding as a JSON array.
    private func embed(_ text: String) async throws -> String {
        let answer: Embeddings = try await openAI.send(.POST, "/v1/embeddings", body: EmbeddingRequest(model: Self.embeddingModel, input: text))
        guard let vector = answer.data.first?.embedding, vector.count == 1_536 else {
            throw ServiceError(service: "OpenAI", call: "POST /v1/embeddings", problem: .malformed("expected one vector of 1536 numbers"))
        }
        return String(decoding: try JSONEncoder().encode(vector), as: UTF8.self)
    }

    /// HubSpot keeps note bodies as HTML; what is stored and embedded is the text.
    static func plainText(_ html: String?) -> String {
        guard let html else { return "" }
        return html.replacing(/<[^>]*>/, with: " ").replacing("&nbsp;", with: " ").replacing("&amp;", with: "&")
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    struct Associations: Decodable {
        struct Item: Decodable { let id: String }
        let results: [Item]
    }

    struct BatchRead: Encodable, Sendable {
        struct Input: Encodable, Sendable { let id: String }
        let properties: [String]
        let inputs: [Input]
    }

    struct HubSpotNote: Decodable {
        let id: String
        let properties: [String: String?]
    }

    struct BatchNotes: Decodable { let results: [HubSpotNote] }

    struct EmbeddingRequest: Encodable, Sendable {
        let model: String
        let input: String
    }

    struct Embeddings: Decodable {
        struct Item: Decodable { let embedding: [Float] }
        let data: [Item]
    }
}

/// The seed's metrics: unprocessed contacts per user, and how many stored notes got an embedding.
public struct NotesMetrics: Sendable, Equatable, Codable {
    public var unprocessedContacts: [String: Int]
    public var notesStored: Int
    public var notesEmbedded: Int
    /// nil before any note is stored.
    public var embeddingSuccessRate: Double? { notesStored == 0 ? nil : Double(notesEmbedded) / Double(notesStored) }

    public static func read(from db: any AppDatabase) async throws -> NotesMetrics {
        let unprocessed = try await db.query("""
            SELECT user_id, COUNT(*) AS n FROM \(db.table("contact_embeddings")) WHERE notes_processed = ? GROUP BY user_id
            """, [.bool(false)])
        let notes = db.table("contact_notes")
        return NotesMetrics(
            unprocessedContacts: Dictionary(uniqueKeysWithValues: unprocessed.map { ($0["user_id"].text ?? "", $0["n"].int ?? 0) }),
            notesStored: try await db.count("SELECT COUNT(*) FROM \(notes)"),
            notesEmbedded: try await db.count("SELECT COUNT(*) FROM \(notes) WHERE embedding IS NOT NULL"))
    }
}
