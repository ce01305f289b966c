import Conveyor
import Hummingbird

/// `/api/v1/queues` and `/api/v1/nodes`: counts by state, pause, resume, limits, retention; the nodes.
struct QueueRoutes {
    let conveyor: Conveyor

    func add<Context: ConveyorRequestContext>(to group: RouterGroup<Context>) {
        group.get("queues") { _, context in
            try context.require(.read)
            return JSONResponse(QueueList(queues: try await conveyor.queues()))
        }
        group.get("queues/{name}/activity") { request, context in
            try context.require(.read)
            let minutes = try request.query("minutes").map { Int(try JobRoutes.integer($0, field: "minutes")) } ?? 30
            return JSONResponse(try await conveyor.activity(queue: try context.pathName(), minutes: minutes))
        }
        group.post("queues/{name}/pause") { _, context in
            try context.require(.admin)
            return JSONResponse(try await change(context) { try await conveyor.pause(queue: $0) })
        }
        group.post("queues/{name}/resume") { _, context in
            try context.require(.admin)
            return JSONResponse(try await change(context) { try await conveyor.resume(queue: $0) })
        }
        group.put("queues/{name}/limits") { request, context in
            try context.require(.admin)
            let limits = try await request.json(LimitsBody.self).limits()
            return JSONResponse(try await change(context) { try await conveyor.setLimits(limits, queue: $0) })
        }
        group.put("queues/{name}/retention") { request, context in
            try context.require(.admin)
            let retention = try await request.json(RetentionBody.self).retention
            return JSONResponse(try await change(context) { try await conveyor.setRetention(retention, queue: $0) })
        }
        group.get("nodes") { _, context in
            try context.require(.read)
            return JSONResponse(NodeList(nodes: try await conveyor.nodes()))
        }
    }

    /// Applies `action` to the named queue and answers the queue as it is now.
    private func change(_ context: some ConveyorRequestContext, _ action: (String) async throws -> Void) async throws -> QueueSummary {
        let name = try context.pathName()
        try await action(name)
        return try await conveyor.queues().first { $0.name == name } ?? QueueSummary(name: name, counts: [:], paused: false)
    }
}

struct QueueList: Encodable, Sendable { let queues: [QueueSummary] }
struct NodeList: Encodable, Sendable { let nodes: [NodeRecord] }

/// `PUT /api/v1/queues/{name}/limits`: `{"concurrency": 5, "rate": {"count": 100, "period_seconds": 60}}`;
/// a field left out (or null) removes that limit.
struct LimitsBody: Decodable {
    struct Rate: Decodable {
        let count: Int
        let periodSeconds: Double
    }
    let concurrency: Int?
    let rate: Rate?

    func limits() throws -> QueueLimits {
        let period = try rate.map { try Duration.seconds(checked: $0.periodSeconds, field: "rate.period_seconds") }
        let limits = QueueLimits(concurrency: concurrency, rate: rate.map { RateLimit(count: $0.count, period: period ?? .zero) })
        try limits.validate()
        return limits
    }
}

/// `PUT /api/v1/queues/{name}/retention`:
/// `{"completed": {"keep_last": 100}, "discarded": {"keep_last": 500, "max_age_seconds": 604800}}`.
/// A state left out (or null) follows the node-wide retention; `{}` removes the queue's own
/// rules; `{}` as a state's rule keeps all its jobs. An unknown field is refused, since a
/// misspelt limit would otherwise keep every job.
struct RetentionBody: Decodable {
    let retention: QueueRetention

    private struct Key: CodingKey {
        let stringValue: String
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        let states = try decoder.container(keyedBy: Key.self)
        for key in states.allKeys where !["completed", "discarded", "cancelled"].contains(key.stringValue) {
            throw ConveyorError(.invalidInput, field: key.stringValue, "is not a final state; use completed, discarded or cancelled")
        }
        func rule(_ state: String) throws -> QueueRetention.Rule? {
            guard states.contains(Key(state)), try !states.decodeNil(forKey: Key(state)) else { return nil }
            let fields = try states.nestedContainer(keyedBy: Key.self, forKey: Key(state))
            for key in fields.allKeys where !["maxAgeSeconds", "keepLast"].contains(key.stringValue) {
                throw ConveyorError(.invalidInput, field: "\(state).\(key.stringValue)", "is not a retention field; use max_age_seconds or keep_last")
            }
            let age = try fields.decodeIfPresent(Double.self, forKey: Key("maxAgeSeconds"))
            return QueueRetention.Rule(maxAge: try age.map { try .seconds(checked: $0, field: "\(state).max_age_seconds") },
                                       keepLast: try fields.decodeIfPresent(Int.self, forKey: Key("keepLast")))
        }
        retention = QueueRetention(completed: try rule("completed"), discarded: try rule("discarded"), cancelled: try rule("cancelled"))
    }
}
