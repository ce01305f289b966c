import ExampleKit
import Foundation

/// A Pinecone index: vectors upserted per chunk, deleted by source.
public struct Pinecone: Sendable {
    let api: ServiceClient

    public init(indexURL: String, apiKey: String, timeout: Duration = .seconds(30)) {
        api = ServiceClient(service: "Pinecone", baseURL: indexURL, headers: [("Api-Key", apiKey), ("X-Pinecone-API-Version", "2024-10")], timeout: timeout)
    }

    struct Vector: Encodable, Sendable {
        let id: String
        let values: [Float]
        let metadata: Metadata
    }

    /// The seed's metadata of a chunk.
    struct Metadata: Encodable, Sendable {
        let source_id: String
        let agent_id: String
        let chunk_index: Int
        let text: String
        let char_count: Int
        let word_count: Int
        let namespace: String
        let created_at: String
    }

    func upsert(_ vectors: [Vector], namespace: String) async throws {
        struct Body: Encodable, Sendable { let vectors: [Vector]; let namespace: String }
        struct Answer: Decodable { let upsertedCount: Int }
        let answer: Answer = try await api.send(.POST, "/vectors/upsert", body: Body(vectors: vectors, namespace: namespace))
        guard answer.upsertedCount == vectors.count else {
            throw ServiceError(service: "Pinecone", call: "POST /vectors/upsert", problem: .malformed("upserted \(answer.upsertedCount) of \(vectors.count)"))
        }
    }

    /// Deletes every vector of a source.
    public func deleteVectors(ofSource sourceID: String, namespace: String) async throws {
        struct Body: Encodable, Sendable { let filter: [String: [String: String]]; let namespace: String }
        _ = try await api.sendRaw(.POST, "/vectors/delete", body: Body(filter: ["source_id": ["$eq": sourceID]], namespace: namespace))
    }
}
