import Conveyor
import Foundation
import Hummingbird
import ServiceLifecycle

/// `GET /api/v1/events`: job events as server-sent events, all of them or those of one queue
/// (`?queue=`), one job (`?job=`) or the jobs carrying tags (`?tag=agent:7`, repeated for jobs
/// with every one). They include the jobs of every node on the database.
///
/// The stream ends when the server shuts down; a comment every 15 seconds keeps proxies from
/// closing it and finds clients that went away.
struct EventRoutes {
    let conveyor: Conveyor
    var keepAliveInterval: Duration = .seconds(15)

    func add<Context: ConveyorRequestContext>(to group: RouterGroup<Context>) {
        group.get("events") { request, context in
            try context.require(.read)
            let queue = request.query("queue")
            if let queue { try JobInsert.validateName(queue, field: "queue") }
            let job = try request.query("job").map { try JobRoutes.integer($0, field: "job") }
            if let job, job < 1 { throw ConveyorError(.invalidInput, field: "job", "must be a job id, 1 or more; got \(job)") }
            let tags = request.repeatedQuery("tag")
            if tags.contains(where: { $0.isEmpty || $0.count > 100 }) {
                throw ConveyorError(.invalidInput, field: "tag", "must be 1 to 100 characters, as tags are")
            }
            let events = conveyor.events()
            let keepAlive = keepAliveInterval
            let timers = conveyor.configuration.timerClock
            let headers: HTTPFields = [.contentType: "text/event-stream", .cacheControl: "no-cache"]
            return Response(status: .ok, headers: headers, body: ResponseBody { writer in
                let (frames, sink) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(10_000))
                // A comment first, so a client knows the stream is open before any job moves.
                sink.yield(": conveyor events\n\n")
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        // Shutdown ends the feed, which ends the stream and the response.
                        try? await cancelWhenGracefulShutdown {
                            for await event in events where (queue == nil || event.queue == queue) && (job == nil || event.jobID == job)
                                && tags.allSatisfy(event.tags.contains) {
                                sink.yield(try Self.frame(event))
                            }
                        }
                        sink.finish()
                    }
                    group.addTask {
                        while true {
                            try await timers.sleep(for: keepAlive)
                            sink.yield(": keep-alive\n\n")
                        }
                    }
                    defer { group.cancelAll() }
                    for await frame in frames { try await writer.write(ByteBuffer(string: frame)) }
                }
                try await writer.finish(nil)
            })
        }
    }

    static func frame(_ event: JobEvent) throws -> String {
        let data = try APIEncoding.encoder.encode(event)
        return "event: \(event.kind.rawValue)\nid: \(event.jobID)\ndata: \(String(decoding: data, as: UTF8.self))\n\n"
    }
}
