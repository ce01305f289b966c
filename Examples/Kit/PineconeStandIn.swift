import Conveyor
import Foundation
import HTTPTypes
public import Hummingbird
import Synchronization

/// A Pinecone index's data plane: `POST /vectors/upsert`, `POST /vectors/delete` (by ids, by
/// metadata filter `{"source_id": {"$eq": …}}`, or all of a namespace), answering in its format,
/// with `Api-Key` authentication.
public final class PineconeStandIn: Sendable {
    public struct Vector: Sendable {
        public var id: String
        public var values: [Float]
        public var metadata: [String: JSONAny]
    }

    /// Metadata values as Pinecone keeps them: strings, numbers, booleans.
    public enum JSONAny: Sendable, Equatable, Codable {
        case string(String)
        case number(Double)
        case bool(Bool)

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) { self = .string(text) }
            else if let flag = try? container.decode(Bool.self) { self = .bool(flag) }
            else { self = .number(try container.decode(Double.self)) }
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .string(let text): try container.encode(text)
            case .number(let number): try container.encode(number)
            case .bool(let flag): try container.encode(flag)
            }
        }
    }

    private let namespaces = Mutex<[String: [String: Vector]]>([:])
    public let faults = Faults()

    public init() {}

    /// The vectors of `namespace`, by id.
    public func vectors(in namespace: String) -> [String: Vector] { namespaces.withLock { $0[namespace] ?? [:] } }

    public var router: Router<BasicRequestContext> {
        let router = Router()
        router.post("vectors/upsert") { request, context in
            if let refused = Self.refuse(request) { return refused }
            if let fault = try await self.faults.response(for: "upsert") { return fault }
            let input = try await request.decode(as: Upsert.self, context: context)
            self.namespaces.withLock { spaces in
                for vector in input.vectors { spaces[input.namespace ?? "", default: [:]][vector.id] = Vector(id: vector.id, values: vector.values, metadata: vector.metadata ?? [:]) }
            }
            return try StandInAnswer.json(["upsertedCount": input.vectors.count])
        }
        router.post("vectors/delete") { request, context in
            if let refused = Self.refuse(request) { return refused }
            if let fault = try await self.faults.response(for: "delete") { return fault }
            let input = try await request.decode(as: Delete.self, context: context)
            self.namespaces.withLock { spaces in
                let namespace = input.namespace ?? ""
                if input.deleteAll == true { spaces[namespace] = [:] }
                for id in input.ids ?? [] { spaces[namespace]?[id] = nil }
                if let filter = input.filter {
                    spaces[namespace] = spaces[namespace]?.filter { _, vector in
                        !filter.allSatisfy { key, condition in vector.metadata[key] == condition["$eq"] }
                    }
                }
            }
            return try StandInAnswer.json([String: String]())
        }
        return router
    }

    private static func refuse(_ request: Request) -> Response? {
        guard request.headers[HTTPField.Name("Api-Key")!]?.isEmpty == false else {
            return try? StandInAnswer.json(["error": ["code": "UNAUTHENTICATED", "message": "Invalid API Key"], "status": 401] as JSONValue, status: 401)
        }
        return nil
    }

    private struct Upsert: Decodable {
        struct Item: Decodable {
            let id: String
            let values: [Float]
            let metadata: [String: JSONAny]?
        }
        let vectors: [Item]
        let namespace: String?
    }

    private struct Delete: Decodable {
        let ids: [String]?
        let deleteAll: Bool?
        let namespace: String?
        let filter: [String: [String: JSONAny]]?
    }
}
