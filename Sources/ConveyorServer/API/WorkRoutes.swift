import Conveyor
import Foundation
import Hummingbird
import ServiceLifecycle

/// `/api/v1/work`: workers in any language take jobs over HTTP. A worker process fetches
/// leases (long-polling), sends a heartbeat with its leases while it works, reports progress,
/// and ends each job with complete, fail, snooze, discard or cancel. A lease names the job's
/// attempt: once the job was rescued, cancelled or finished, its lease answers 409.
struct WorkRoutes {
    let conveyor: Conveyor
    let waitLimit: Duration

    func add<Context: ConveyorRequestContext>(to group: RouterGroup<Context>) {
        group.post("work/fetch") { request, context in
            let body = try await request.json(FetchBody.self)
            try context.requireWork(on: body.queues)
            let asked = try Duration.seconds(checked: body.waitSeconds ?? 0, field: "wait_seconds")
            let wait = asked > Conveyor.maximumLeaseWait ? asked : min(asked, waitLimit)
            // A server shutting down ends a long poll at once (with no jobs) rather than wait it out.
            let leases = try await cancelWhenGracefulShutdown {
                try await conveyor.lease(worker: body.worker, queues: body.queues, kinds: body.kinds ?? [], slots: body.slots, limit: body.limit ?? 1, wait: wait)
            }
            return JSONResponse(LeaseList(leases: leases.map { LeasedJob(lease: $0.token, job: $0.job, timeoutSeconds: $0.timeout?.seconds) }))
        }
        group.post("work/declare") { request, context in
            let body = try await request.json(DeclareBody.self)
            try context.requireWork(on: body.kinds.map { $0.queue ?? "default" })
            let kinds = try body.kinds.enumerated().map { index, kind in
                do {
                    return try kind.declaration()
                } catch let error as ConveyorError {
                    throw ConveyorError(error.code, field: "kinds[\(index)].\(error.field ?? "")", error.message)
                }
            }
            try await conveyor.declare(kinds, worker: body.worker)
            var named: Set<String> = []
            return JSONResponse(Declared(declared: kinds.map(\.kind).filter { named.insert($0).inserted }))
        }
        group.post("work/heartbeat") { request, context in
            let body = try await request.json(HeartbeatBody.self)
            try context.requireWork(on: body.queues)
            let renewal = try await conveyor.renewLeases(worker: body.worker, queues: body.queues, kinds: body.kinds ?? [], slots: body.slots, tokens: body.leases ?? [])
            return JSONResponse(Renewal(cancelled: renewal.cancelled, lost: renewal.lost))
        }
        group.post("work/progress") { request, context in
            let body = try await request.json(ProgressBody.self)
            try await conveyor.reportProgress(leased(body.lease, context), fraction: body.progress, message: body.message, details: body.details)
            return JSONResponse(Recorded(recorded: true))
        }
        group.post("work/complete") { request, context in
            let body = try await request.json(CompleteBody.self)
            return JSONResponse(try await conveyor.finish(leased(body.lease, context), .completed(result: body.result)))
        }
        group.post("work/fail") { request, context in
            let body = try await request.json(FailBody.self)
            let retryIn = try body.retryInSeconds.map { try Duration.seconds(checked: $0, field: "retry_in_seconds") }
            return JSONResponse(try await conveyor.finish(leased(body.lease, context), .failed(message: body.error, retryIn: retryIn)))
        }
        group.post("work/snooze") { request, context in
            let body = try await request.json(SnoozeBody.self)
            let duration = try Duration.seconds(checked: body.seconds, field: "seconds")
            return JSONResponse(try await conveyor.finish(leased(body.lease, context), .snoozed(duration)))
        }
        group.post("work/discard") { request, context in
            let body = try await request.json(ReasonBody.self)
            return JSONResponse(try await conveyor.finish(leased(body.lease, context), .discarded(reason: body.reason ?? "discarded by its worker")))
        }
        group.post("work/cancel") { request, context in
            let body = try await request.json(ReasonBody.self)
            return JSONResponse(try await conveyor.finish(leased(body.lease, context), .cancelled(reason: body.reason ?? "cancelled by its worker")))
        }
    }

    /// The job a lease names, once the request's key may work its queue (a worker's key
    /// reaches only jobs of its queues, whatever the lease says).
    private func leased(_ token: String, _ context: some ConveyorRequestContext) async throws -> LeasedAttempt {
        let leased = try await conveyor.leasedAttempt(token)
        try context.requireWork(on: [leased.job.queue])
        return leased
    }
}

/// `POST /api/v1/work/fetch`.
struct FetchBody: Decodable {
    let worker: String
    let queues: [String]
    let kinds: [String]?
    let slots: Int?
    let limit: Int?
    let waitSeconds: Double?
}

/// `POST /api/v1/work/declare`.
struct DeclareBody: Decodable {
    let worker: String
    let kinds: [Kind]

    struct Kind: Decodable {
        let kind: String
        let queue: String?
        let priority: Int?
        let maxAttempts: Int?
        let tags: [String]?
        let backoff: EnqueueBody.BackoffBody?
        let timeoutSeconds: Double?

        func declaration() throws -> WorkerKind {
            var declared = WorkerKind(kind, queue: queue ?? "default", priority: priority ?? 0, maxAttempts: maxAttempts ?? JobOptions.defaultMaxAttempts,
                                      tags: tags ?? [], backoff: try backoff?.backoff())
            if let timeoutSeconds { declared.timeout = try EnqueueBody.timeout(seconds: timeoutSeconds) }
            return declared
        }
    }
}

struct Declared: Encodable, Sendable {
    let declared: [String]
}

/// `POST /api/v1/work/heartbeat`.
struct HeartbeatBody: Decodable {
    let worker: String
    let queues: [String]
    let kinds: [String]?
    let slots: Int?
    let leases: [String]?
}

struct ProgressBody: Decodable {
    let lease: String
    let progress: Double
    let message: String?
    let details: JSONValue?
}

struct CompleteBody: Decodable {
    let lease: String
    let result: JSONValue?
}

struct FailBody: Decodable {
    let lease: String
    let error: String
    let retryInSeconds: Double?
}

struct SnoozeBody: Decodable {
    let lease: String
    let seconds: Double
}

struct ReasonBody: Decodable {
    let lease: String
    let reason: String?
}

struct LeasedJob: Encodable, Sendable {
    let lease: String
    let job: Job
    let timeoutSeconds: Double?
}

struct LeaseList: Encodable, Sendable {
    let leases: [LeasedJob]
}

struct Renewal: Encodable, Sendable {
    let cancelled: [String]
    let lost: [String]
}

struct Recorded: Encodable, Sendable {
    let recorded: Bool
}
