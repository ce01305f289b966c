import Conveyor
import Foundation
import HTTPTypes
public import Hummingbird
import Synchronization

/// Anthropic's Messages API (`POST /v1/messages`), answering in its format. The answer is a
/// rule of thumb over the prompt's last user message, so that tests can know it: a prompt
/// asking for sentiment gets `negative` when the text speaks of delays, concerns or blockers.
public final class AnthropicStandIn: Sendable {
    public let faults = Faults()
    private let served = Mutex(0)

    /// How long each answer takes, as a model's would.
    public let latency: Duration

    public init(latency: Duration = .zero) { self.latency = latency }

    /// Message requests answered or refused.
    public var calls: Int { served.withLock { $0 } }

    public var router: Router<BasicRequestContext> {
        let router = Router()
        router.post("v1/messages") { request, context in
            self.served.withLock { $0 += 1 }
            guard request.headers[HTTPField.Name("x-api-key")!]?.isEmpty == false else {
                return try StandInAnswer.json(["type": "error", "error": ["type": "authentication_error", "message": "x-api-key header is required"]] as JSONValue,
                                              status: 401)
            }
            if let fault = try await self.faults.response(for: "messages") { return fault }
            let input = try await request.decode(as: MessagesRequest.self, context: context)
            if self.latency > .zero { try await Task.sleep(for: self.latency) }
            let prompt = input.messages.last { $0.role == "user" }?.content ?? ""
            let text = Self.answer(to: prompt)
            return try StandInAnswer.json(MessagesAnswer(
                id: "msg_\(UUID().uuidString.prefix(12))", model: input.model, content: [.init(text: text)],
                usage: .init(input_tokens: prompt.split(separator: " ").count, output_tokens: text.split(separator: " ").count)))
        }
        return router
    }

    /// What the stand-in "thinks": the instruction is the prompt's first line, the material the rest.
    public static func answer(to prompt: String) -> String {
        let lines = prompt.split(separator: "\n", maxSplits: 1).map(String.init)
        let instruction = lines.first?.lowercased() ?? "", material = lines.count > 1 ? lines[1] : ""
        let worrying = ["delay", "concern", "blocker", "blocked", "risk", "litigation"].contains { material.lowercased().contains($0) }
        if instruction.contains("sentiment") { return worrying ? "negative" : "positive" }
        if instruction.contains("blocker") { return worrying ? "blocker: \(material.prefix(80))" : "none" }
        if instruction.contains("risk") { return worrying ? "- \(material.prefix(80))" : "no material risks" }
        if instruction.contains("workstream") { return material.lowercased().contains("tax") ? "tax" : material.lowercased().contains("contract") ? "legal" : "financial" }
        let firstSentence = material.split(separator: ".", maxSplits: 1).first.map(String.init) ?? material
        return firstSentence.trimmingCharacters(in: .whitespaces)
    }

    private struct MessagesRequest: Decodable {
        struct Message: Decodable {
            let role: String
            let content: String
        }
        let model: String
        let max_tokens: Int
        let messages: [Message]
    }

    private struct MessagesAnswer: Encodable {
        struct Block: Encodable {
            let type = "text"
            let text: String
        }
        struct Usage: Encodable {
            let input_tokens: Int
            let output_tokens: Int
        }
        let id: String
        let type = "message"
        let role = "assistant"
        let model: String
        let content: [Block]
        let stop_reason = "end_turn"
        let usage: Usage
    }
}
