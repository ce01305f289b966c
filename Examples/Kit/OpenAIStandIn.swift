import Foundation
import Conveyor
public import Hummingbird
import NIOCore
import Synchronization

/// OpenAI's embeddings API (`POST /v1/embeddings`), answering in its format with a vector
/// that depends only on the text, so that equal texts get equal embeddings.
public final class OpenAIStandIn: Sendable {
    public let dimensions: Int
    public let faults = Faults()
    private let served = Mutex(0)

    public init(dimensions: Int = 1_536) { self.dimensions = dimensions }

    /// Embedding requests answered or refused.
    public var calls: Int { served.withLock { $0 } }

    public var router: Router<BasicRequestContext> {
        let router = Router()
        router.post("v1/embeddings") { request, context in
            self.served.withLock { $0 += 1 }
            guard request.headers[.authorization]?.hasPrefix("Bearer sk-") == true else { return try Self.unauthorized() }
            if let fault = try await self.faults.response(for: "embeddings") { return fault }
            let input = try await request.decode(as: EmbeddingRequest.self, context: context)
            let texts = input.input.texts
            let data = texts.enumerated().map { index, text in
                EmbeddingAnswer.Item(index: index, embedding: Self.vector(for: text, dimensions: input.dimensions ?? self.dimensions))
            }
            let tokens = texts.map { $0.split(separator: " ").count }.reduce(0, +)
            return try StandInAnswer.json(EmbeddingAnswer(data: data, model: input.model, usage: .init(prompt_tokens: tokens, total_tokens: tokens)))
        }
        router.post("v1/chat/completions") { request, context in
            self.served.withLock { $0 += 1 }
            guard request.headers[.authorization]?.hasPrefix("Bearer sk-") == true else { return try Self.unauthorized() }
            if let fault = try await self.faults.response(for: "chat") { return fault }
            let input = try await request.decode(as: ChatRequest.self, context: context)
            let prompt = input.messages.map(\.content).joined(separator: "\n")
            let content = Self.reply(to: prompt)
            return try StandInAnswer.json(ChatAnswer(
                id: "chatcmpl-\(UInt32.random(in: 0 ... .max))", created: Int(Date().timeIntervalSince1970), model: input.model,
                choices: [.init(index: 0, message: .init(role: "assistant", content: content), finish_reason: "stop")],
                usage: .init(prompt_tokens: prompt.split(separator: " ").count, total_tokens: prompt.split(separator: " ").count + 40)))
        }
        return router
    }

    /// OpenAI's answer to a wrong key.
    static func unauthorized() throws -> Response {
        try StandInAnswer.json(["error": ["message": "Incorrect API key provided.", "type": "invalid_request_error", "param": JSONValue.null,
                                          "code": "invalid_api_key"]] as JSONValue, status: 401)
    }

    /// What the model "answers": a JSON classification when asked to classify (by keywords of
    /// the text), else two sentences of insight.
    public static func reply(to prompt: String) -> String {
        let text = prompt.lowercased()
        guard text.contains("classify") else {
            return "The news suggests a change in the account's plans. Schedule a call this week to discuss how we can help."
        }
        let (category, relevance, sentiment, risk) =
            if ["layoff", "lawsuit", "breach", "bankrupt", "churn"].contains(where: text.contains) { ("risk", 0.9, -0.7, "high") }
            else if ["acquisition", "acquires", "expands", "expansion", "raises", "funding"].contains(where: text.contains) { ("expansion", 0.85, 0.6, "low") }
            else if ["launch", "award", "partnership"].contains(where: text.contains) { ("product", 0.5, 0.4, "low") }
            else { ("general", 0.2, 0.0, "low") }
        return #"{"category": "\#(category)", "relevance": \#(relevance), "sentiment": \#(sentiment), "risk": "\#(risk)"}"#
    }

    private struct ChatRequest: Decodable {
        struct Message: Decodable { let role: String; let content: String }
        let model: String
        let messages: [Message]
    }

    private struct ChatAnswer: Encodable {
        struct Choice: Encodable {
            struct Message: Encodable { let role: String; let content: String }
            let index: Int
            let message: Message
            let finish_reason: String
        }
        struct Usage: Encodable { let prompt_tokens: Int; let total_tokens: Int }
        let id: String
        let object = "chat.completion"
        let created: Int
        let model: String
        let choices: [Choice]
        let usage: Usage
    }

    /// A unit vector from the text's bytes (FNV-1a seeding a linear congruential sequence).
    public static func vector(for text: String, dimensions: Int) -> [Float] {
        var seed: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { seed = (seed ^ UInt64(byte)) &* 0x100_0000_01b3 }
        var values = [Float](repeating: 0, count: dimensions)
        for index in values.indices {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            values[index] = Float(Int64(bitPattern: seed >> 11) % 2_000_001 - 1_000_000) / 1_000_000
        }
        let norm = values.map { $0 * $0 }.reduce(0, +).squareRoot()
        return norm > 0 ? values.map { $0 / norm } : values
    }

    private struct EmbeddingRequest: Decodable {
        enum Input: Decodable {
            case one(String)
            case many([String])
            var texts: [String] {
                switch self {
                case .one(let text): [text]
                case .many(let texts): texts
                }
            }
            init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                if let text = try? container.decode(String.self) { self = .one(text) } else { self = .many(try container.decode([String].self)) }
            }
        }
        let model: String
        let input: Input
        let dimensions: Int?
    }

    private struct EmbeddingAnswer: Encodable {
        struct Item: Encodable {
            let object = "embedding"
            let index: Int
            let embedding: [Float]
        }
        struct Usage: Encodable {
            let prompt_tokens: Int
            let total_tokens: Int
        }
        let object = "list"
        let data: [Item]
        let model: String
        let usage: Usage
    }
}
