import Conveyor
import Foundation
import Hummingbird

/// `/api/v1/batches`: enqueue a batch with its callback, list batches, show one with its
/// counts. A batch's jobs are listed by `GET /api/v1/jobs?batch_id=…`.
struct BatchRoutes {
    let conveyor: Conveyor

    func add<Context: ConveyorRequestContext>(to group: RouterGroup<Context>) {
        group.post("batches") { request, context in
            try context.require(.write)
            let body = try await request.json(BatchBody.self)
            let inserts = try await body.inserts(conveyor)
            let (batch, jobs) = try await conveyor.enqueueBatch(inserts, callback: try body.callback.callback())
            return JSONResponse(EnqueuedBatch(batch: batch, jobIds: jobs.map(\.id)), status: .created)
        }
        group.get("batches") { request, context in
            try context.require(.read)
            let beforeID = try request.query("before_id").map { try JobRoutes.integer($0, field: "before_id") }
            let limit = try request.query("limit").map { Int(try JobRoutes.integer($0, field: "limit")) } ?? 100
            let batches = try await conveyor.batches(beforeID: beforeID, limit: limit)
            return JSONResponse(BatchPage(batches: batches, nextBeforeId: batches.count == limit ? batches.last?.id : nil))
        }
        group.get("batches/{id}") { _, context in
            try context.require(.read)
            return JSONResponse(try await conveyor.batch(id: try JobRoutes.id(context)))
        }
    }
}

struct EnqueuedBatch: Encodable, Sendable {
    let batch: Batch
    let jobIds: [Int64]
}

struct BatchPage: Encodable, Sendable {
    let batches: [Batch]
    let nextBeforeId: Int64?
}

/// `POST /api/v1/batches`: `{"jobs": [<as POST /api/v1/jobs>], "callback": {"kind": …}}`.
struct BatchBody: Decodable {
    let jobs: [EnqueueBody]
    let callback: CallbackBody

    struct CallbackBody: Decodable {
        let kind: String
        let queue: String?
        let priority: Int?
        let maxAttempts: Int?
        let args: JSONValue?

        func callback() throws -> BatchCallback {
            if let args, case .object = args {} else if args != nil {
                throw ConveyorError(.invalidInput, field: "callback.args", "must be a JSON object")
            }
            return BatchCallback(kind: kind, queue: queue ?? "default", priority: priority ?? 0,
                                 maxAttempts: maxAttempts ?? JobOptions.defaultMaxAttempts, args: RawJSON(args ?? .object([:])))
        }
    }

    /// Each job checked as `POST /api/v1/jobs` checks it, its errors naming `jobs[i]`.
    func inserts(_ conveyor: Conveyor) async throws -> [JobInsert] {
        guard !jobs.isEmpty else { throw ConveyorError(.invalidInput, field: "jobs", "a batch needs at least one job") }
        return try await EnqueueBody.prepare(jobs, on: conveyor)
    }
}

/// An outcome hook in a request: `{"kind": …, "queue": …, "priority": …, "max_attempts": …}`.
struct HookBody: Decodable {
    let kind: String
    let queue: String?
    let priority: Int?
    let maxAttempts: Int?

    var hook: OutcomeHook {
        OutcomeHook(kind: kind, queue: queue ?? "default", priority: priority ?? 0, maxAttempts: maxAttempts ?? JobOptions.defaultMaxAttempts)
    }
}

/// `hooks` in `POST /api/v1/jobs`: a hook per final state, each optional.
struct HooksBody: Decodable {
    let completed: HookBody?
    let discarded: HookBody?
    let cancelled: HookBody?

    var hooks: OutcomeHooks { OutcomeHooks(completed: completed?.hook, discarded: discarded?.hook, cancelled: cancelled?.hook) }
}
