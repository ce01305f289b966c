import Conveyor
import Foundation
import Hummingbird
import NIOCore
import ServiceLifecycle

/// Live updates: the seed's `subscribe` routes tell a client where to listen; the `events`
/// routes stream `job_status_update` as server-sent events, for one job or all of an agent's.
struct SourceRealtime: Sendable {
    let conveyor: Conveyor

    func addRoutes(to router: Router<BasicRequestContext>) {
        router.get("api/realtime/jobs/:jobId/subscribe") { _, context in
            let id = try SourceAPI.jobID(context)
            return Envelope(success: true, data: Subscription(channel: "job_\(id)", url: "/api/realtime/jobs/\(id)/events"))
        }
        router.get("api/realtime/agents/:agentId/subscribe") { _, context in
            let agent = try context.parameters.require("agentId")
            return Envelope(success: true, data: Subscription(channel: "agent_\(agent)", url: "/api/realtime/agents/\(agent)/events"))
        }
        router.get("api/realtime/jobs/:jobId/events") { _, context in
            let id = try SourceAPI.jobID(context)
            return stream { $0.jobID == id }
        }
        router.get("api/realtime/agents/:agentId/events") { _, context in
            let tag = "agent:\(try context.parameters.require("agentId"))"
            return stream { $0.tags.contains(tag) }
        }
    }

    private func stream(_ wanted: @escaping @Sendable (JobEvent) -> Bool) -> Response {
        let events = conveyor.events()
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: ResponseBody { writer in
            try await writer.write(ByteBuffer(string: ": subscribed\n\n"))
            let (frames, sink) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(1_000))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    // The server's shutdown ends the stream instead of waiting for the client to leave.
                    try? await cancelWhenGracefulShutdown {
                        for await event in events where wanted(event) {
                            let data = try JSONEncoder().encode(Update(event))
                            sink.yield("event: job_status_update\nid: \(event.jobID)\ndata: \(String(decoding: data, as: UTF8.self))\n\n")
                        }
                    }
                    sink.finish()
                }
                for await frame in frames { try await writer.write(ByteBuffer(string: frame)) }
                group.cancelAll()
            }
            try await writer.finish(nil)
        })
    }

    struct Subscription: Codable, Sendable {
        let channel: String
        var event = "job_status_update"
        let url: String
    }

    /// The seed's broadcast payload.
    struct Update: Codable {
        let jobId: Int64
        let sourceId: String?
        let type: String
        let status: String
        let progress: Double?
        let message: String?
        let details: JSONValue?

        init(_ event: JobEvent) {
            jobId = event.jobID
            sourceId = event.tags.first { $0.hasPrefix("source:") }.map { String($0.dropFirst("source:".count)) }
            type = event.jobKind
            status = switch event.kind {
            case .inserted, .retrying, .snoozed, .released: "pending"
            case .started, .progress: "processing"
            case .completed: "completed"
            case .discarded: "failed"
            case .cancelled: "cancelled"
            }
            progress = event.progress.map { ($0 * 100).rounded() }
            message = event.message
            details = event.details
        }
    }
}
