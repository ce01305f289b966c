public import Foundation
public import Hummingbird
import NIOCore
import NIOFoundationCompat
import Synchronization

/// HubSpot's CRM API as far as the examples use it (contacts, their notes), answering in
/// HubSpot's formats: `POST/PATCH/GET /crm/v3/objects/contacts`, the contact-to-note
/// associations and `POST /crm/v3/objects/notes/batch/read`, private-app tokens as Bearer.
public final class HubSpotStandIn: Sendable {
    public struct Contact: Sendable, Equatable {
        public var id: String
        public var properties: [String: String]
    }

    public struct Note: Sendable, Equatable {
        public var id: String
        public var body: String
        public var timestamp: Date

        public init(id: String, body: String, timestamp: Date = Date(timeIntervalSince1970: 1_760_000_000)) {
            self.id = id
            self.body = body
            self.timestamp = timestamp
        }
    }

    private struct State {
        var tokens: Set<String>
        var contacts: [String: Contact] = [:]
        var notes: [String: [Note]] = [:]
        var nextID = 51_000
        var calls: [String: Int] = [:]
        var answering = 0
    }

    private let state: Mutex<State>
    public let faults = Faults()

    public init(tokens: Set<String>) { state = Mutex(State(tokens: tokens)) }

    /// Tokens the stand-in accepts from now on (a key rotated or revoked).
    public func accept(_ tokens: Set<String>) { self.state.withLock { $0.tokens = tokens } }

    /// Contacts pushed to it, by id.
    public var contacts: [String: Contact] { self.state.withLock { $0.contacts } }

    /// How many times each operation was called (`contacts.create`, `notes.read`…), faults included.
    public var calls: [String: Int] { self.state.withLock { $0.calls } }

    /// Requests being answered now (a delayed one, say).
    public var answering: Int { state.withLock { $0.answering } }

    /// Notes attached to the HubSpot contact `contactID`.
    public func addNotes(_ notes: [Note], toContact contactID: String) {
        self.state.withLock { $0.notes[contactID, default: []] += notes }
    }

    public var router: Router<BasicRequestContext> {
        let router = Router()
        let contacts = router.group("crm/v3/objects/contacts")
        contacts.post { request, context in
            try await self.answer("contacts.create", request) {
                let input = try await request.decode(as: PropertiesBody.self, context: context)
                let email = input.properties["email"]?.lowercased()
                if let email, let existing = self.state.withLock({ $0.contacts.values.first { $0.properties["email"]?.lowercased() == email } }) {
                    return Self.error(409, "CONFLICT", "Contact already exists. Existing ID: \(existing.id)")
                }
                let contact = self.state.withLock { state -> Contact in
                    state.nextID += 1
                    let contact = Contact(id: String(state.nextID), properties: input.properties)
                    state.contacts[contact.id] = contact
                    return contact
                }
                return try StandInAnswer.json(ContactBody(contact), status: 201)
            }
        }
        contacts.patch(":id") { request, context in
            try await self.answer("contacts.update", request) {
                let id = try context.parameters.require("id")
                let input = try await request.decode(as: PropertiesBody.self, context: context)
                let updated = self.state.withLock { state -> Contact? in
                    state.contacts[id]?.properties.merge(input.properties) { $1 }
                    return state.contacts[id]
                }
                guard let updated else { return Self.error(404, "OBJECT_NOT_FOUND", "resource not found") }
                return try StandInAnswer.json(ContactBody(updated))
            }
        }
        contacts.get(":id") { request, context in
            try await self.answer("contacts.read", request) {
                let id = try context.parameters.require("id")
                guard var contact = self.state.withLock({ $0.contacts[id] }) else { return Self.error(404, "OBJECT_NOT_FOUND", "resource not found") }
                if let wanted = request.uri.queryParameters["properties"] {
                    let names = Set(wanted.split(separator: ",").map(String.init))
                    contact.properties = contact.properties.filter { names.contains($0.key) }
                }
                return try StandInAnswer.json(ContactBody(contact))
            }
        }
        contacts.get(":id/associations/notes") { request, context in
            try await self.answer("notes.associations", request) {
                let id = try context.parameters.require("id")
                let notes = self.state.withLock { $0.notes[id] ?? [] }
                return try StandInAnswer.json(Associations(results: notes.map { .init(id: $0.id, type: "contact_to_note") }))
            }
        }
        router.post("crm/v3/objects/notes/batch/read") { request, context in
            try await self.answer("notes.read", request) {
                let input = try await request.decode(as: BatchRead.self, context: context)
                let byID = self.state.withLock { state in
                    Dictionary(state.notes.values.joined().map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
                }
                let notes = input.inputs.compactMap { byID[$0.id] }
                return try StandInAnswer.json(BatchNotes(status: "COMPLETE", results: notes.map(BatchNotes.Note.init)))
            }
        }
        return router
    }

    /// Counts the call, checks the token, applies a planned fault, then answers.
    private func answer(_ operation: String, _ request: Request, _ body: () async throws -> Response) async throws -> Response {
        self.state.withLock {
            $0.calls[operation, default: 0] += 1
            $0.answering += 1
        }
        defer { self.state.withLock { $0.answering -= 1 } }
        let token = request.headers[.authorization].map { $0.replacing("Bearer ", with: "") }
        guard let token, self.state.withLock({ $0.tokens.contains(token) }) else {
            return Self.error(401, "INVALID_AUTHENTICATION",
                              "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview")
        }
        if let fault = try await faults.response(for: operation) { return fault }
        return try await body()
    }

    /// HubSpot's error body.
    static func error(_ status: Int, _ category: String, _ message: String) -> Response {
        let body = ["status": "error", "message": message, "correlationId": UUID().uuidString.lowercased(), "category": category]
        return (try? StandInAnswer.json(body, status: status)) ?? Response(status: .internalServerError)
    }

    /// The error body HubSpot sends with 429.
    public static let rateLimitBody =
        #"{"status":"error","message":"You have reached your secondly limit.","errorType":"RATE_LIMIT","correlationId":"c0ffee00-0000-4000-8000-000000000429","policyName":"SECONDLY"}"#
    /// The error body HubSpot sends with 500.
    public static let serverErrorBody =
        #"{"status":"error","message":"internal error","correlationId":"c0ffee00-0000-4000-8000-000000000500","category":"INTERNAL_ERROR"}"#

    private struct PropertiesBody: Decodable { let properties: [String: String] }

    private struct ContactBody: Encodable {
        let id: String
        let properties: [String: String]
        let createdAt = Date(timeIntervalSince1970: 1_760_000_000)
        let updatedAt = Date(timeIntervalSince1970: 1_760_000_000)
        let archived = false
        init(_ contact: Contact) { id = contact.id; properties = contact.properties }
    }

    private struct Associations: Encodable {
        struct Item: Encodable { let id: String; let type: String }
        let results: [Item]
    }

    private struct BatchRead: Decodable {
        struct Input: Decodable { let id: String }
        let properties: [String]?
        let inputs: [Input]
    }

    private struct BatchNotes: Encodable {
        struct Note: Encodable {
            let id: String
            let properties: [String: String]
            let archived = false
            init(_ note: HubSpotStandIn.Note) {
                id = note.id
                properties = ["hs_note_body": note.body, "hs_timestamp": note.timestamp.formatted(.iso8601), "hs_object_id": note.id]
            }
        }
        let status: String
        let results: [Note]
    }
}
