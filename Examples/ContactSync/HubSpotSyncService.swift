public import ExampleKit
public import Foundation
public import Logging

/// Phase 1 of the seed: pushes one contact row to HubSpot with the custom properties and
/// records the HubSpot id. Throwing leaves the row to the loop, which records the error and
/// the retry.
public struct HubSpotSyncService: Sendable {
    let db: any AppDatabase
    let hubSpot: ServiceClient
    let settings: HubSpotSyncSettings
    let now: @Sendable () -> Date
    let logger: Logger

    public init(db: any AppDatabase, settings: HubSpotSyncSettings, timeout: Duration = .seconds(30), logger: Logger,
                now: @escaping @Sendable () -> Date = Date.init) {
        self.db = db
        self.settings = settings
        self.hubSpot = ServiceClient(service: "HubSpot", baseURL: settings.apiBaseURL,
                                     headers: [("Authorization", "Bearer \(settings.apiKey ?? "")")], timeout: timeout)
        self.now = now
        self.logger = logger
    }

    public func processSingleContact(_ id: String) async throws {
        guard let row = try await db.first("SELECT * FROM \(db.table("contacts")) WHERE id = ?", [.text(id)]) else {
            throw ContactMissing(id: id)
        }
        let email = row["email"].text ?? ""
        logger.info("📧 Processing contact: \(email)")
        let name = (row["name"].text ?? "").split(separator: " ", maxSplits: 1).map(String.init)
        var properties = ["email": email, "firstname": name.first ?? "", "lastname": name.count > 1 ? name[1] : ""]
        properties["phone"] = row["phone_number"].text
        properties[settings.domainIDProperty] = row["domain_id"].text
        properties[settings.pageIDProperty] = row["page_id"].text
        properties[settings.syncDateProperty] = now().formatted(.iso8601.year().month().day())
        let hubSpotID = try await push(properties, knownID: row["hubspot_contact_id"].text)
        try await db.execute("""
            UPDATE \(db.table("contacts")) SET hubspot_contact_id = ?, hubspot_sync_status = 'Complete' WHERE id = ?
            """, [.text(hubSpotID), .text(id)])
        logger.info("✅ Contact synced successfully to HubSpot")
    }

    /// Creates the contact, or updates it when HubSpot already has one with that email.
    private func push(_ properties: [String: String], knownID: String?) async throws -> String {
        if let knownID { return try await update(knownID, properties) }
        do {
            let created: HubSpotObject = try await hubSpot.send(.POST, "/crm/v3/objects/contacts", body: PropertiesBody(properties: properties))
            return created.id
        } catch let error as ServiceError where error.status == 409 {
            guard case .status(_, let body) = error.problem, let match = body.firstMatch(of: /Existing ID: (\d+)/) else { throw error }
            return try await update(String(match.1), properties)
        }
    }

    private func update(_ id: String, _ properties: [String: String]) async throws -> String {
        let updated: HubSpotObject = try await hubSpot.send(.PATCH, "/crm/v3/objects/contacts/\(id)", body: PropertiesBody(properties: properties))
        return updated.id
    }

    struct PropertiesBody: Encodable, Sendable { let properties: [String: String] }
    struct HubSpotObject: Decodable { let id: String }

    struct ContactMissing: Error, CustomStringConvertible {
        let id: String
        var description: String { "contact \(id) is not in the contacts table" }
    }
}
