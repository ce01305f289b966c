import ExampleKit

/// The AI the workers ask (Anthropic's Messages API).
public struct Claude: Sendable {
    let api: ServiceClient
    public static let model = "claude-3-5-haiku-latest"

    public init(baseURL: String, apiKey: String, timeout: Duration = .seconds(60)) {
        api = ServiceClient(service: "Anthropic", baseURL: baseURL,
                            headers: [("x-api-key", apiKey), ("anthropic-version", "2023-06-01")], timeout: timeout)
    }

    /// The answer's text to `instruction` about `material`.
    public func ask(_ instruction: String, about material: String) async throws -> String {
        let answer: Answer = try await api.send(.POST, "/v1/messages", body: Request(
            model: Self.model, max_tokens: 512, messages: [.init(role: "user", content: "\(instruction)\n\(material)")]))
        guard let text = answer.content.first(where: { $0.type == "text" })?.text else {
            throw ServiceError(service: "Anthropic", call: "POST /v1/messages", problem: .malformed("no text block in the answer"))
        }
        return text
    }

    struct Request: Encodable, Sendable {
        struct Message: Encodable, Sendable {
            let role: String
            let content: String
        }
        let model: String
        let max_tokens: Int
        let messages: [Message]
    }

    struct Answer: Decodable {
        struct Block: Decodable {
            let type: String
            let text: String?
        }
        let content: [Block]
    }
}
