import Conveyor
import Foundation
import Hummingbird

/// `/api/v1/jobs`: list and count with filters and a cursor, show, enqueue by kind (one or many),
/// retry, cancel, delete.
struct JobRoutes {
    let conveyor: Conveyor

    func add<Context: ConveyorRequestContext>(to group: RouterGroup<Context>) {
        group.get("jobs") { request, context in
            try context.require(.read)
            return JSONResponse(try await list(request))
        }
        group.post("jobs") { request, context in
            try context.require(.write)
            let body = try await request.json(EnqueueBody.self)
            let result = try await conveyor.enqueue(kind: body.kind, args: body.args ?? .object([:]), options: try body.options())
            return JSONResponse(EnqueuedJob(job: result.job, duplicate: result.isDuplicate), status: result.isDuplicate ? .ok : .created)
        }
        group.post("jobs/bulk") { request, context in
            try context.require(.write)
            let body = try await request.json(BulkEnqueueBody.self)
            guard !body.jobs.isEmpty else { throw ConveyorError(.invalidInput, field: "jobs", "name at least one job") }
            let results = try await conveyor.enqueue(try await EnqueueBody.prepare(body.jobs, on: conveyor))
            return JSONResponse(BulkEnqueued(results), status: results.contains { !$0.isDuplicate } ? .created : .ok)
        }
        group.post("jobs/retry") { request, context in
            try context.require(.write)
            return JSONResponse(BulkResult(try await conveyor.retryJobs(matching: try filter(request))))
        }
        group.post("jobs/cancel") { request, context in
            try context.require(.write)
            let reason = request.query("reason") ?? "cancelled through the API"
            return JSONResponse(BulkResult(try await conveyor.cancelJobs(matching: try filter(request), reason: reason)))
        }
        group.get("jobs/count") { request, context in
            try context.require(.read)
            return JSONResponse(JobCount(count: try await conveyor.countJobs(matching: try filter(request))))
        }
        group.get("jobs/{id}") { _, context in
            try context.require(.read)
            return JSONResponse(try await conveyor.job(id: try Self.id(context)))
        }
        group.post("jobs/{id}/retry") { _, context in
            try context.require(.write)
            return JSONResponse(try await conveyor.retry(id: try Self.id(context)))
        }
        group.post("jobs/{id}/cancel") { request, context in
            try context.require(.write)
            let reason = request.query("reason") ?? "cancelled through the API"
            return JSONResponse(try await conveyor.cancel(id: try Self.id(context), reason: reason))
        }
        group.delete("jobs/{id}") { _, context in
            try context.require(.admin)
            return JSONResponse(try await conveyor.delete(id: try Self.id(context)))
        }
    }

    static func id(_ context: some ConveyorRequestContext) throws -> Int64 {
        let text = try context.parameters.require("id")
        guard let id = Int64(text), id > 0 else { throw ConveyorError(.invalidInput, field: "id", "'\(text)' is not a job id") }
        return id
    }

    /// A page of jobs, newest first; `next_before_id` continues it.
    private func list(_ request: Request) async throws -> JobPage {
        let filter = try filter(request)
        let jobs = try await conveyor.jobs(matching: filter)
        return JobPage(jobs: jobs, nextBeforeId: jobs.count == filter.limit ? jobs.last?.id : nil)
    }

    /// The filter the query names: `state`, `queue`, `kind`, `tag` (every one), `args` (a JSON
    /// object the args contain), `batch_id`, `schedule`, `inserted_after`, `inserted_before`, `before_id`,
    /// `limit`.
    private func filter(_ request: Request) throws -> JobFilter {
        var filter = JobFilter()
        filter.states = Set(try request.queryValues("state").map { try JobState(parsing: $0) })
        filter.queues = Set(try request.queryValues("queue"))
        filter.kinds = Set(try request.queryValues("kind"))
        filter.tags = Set(request.repeatedQuery("tag"))
        filter.args = try request.query("args").map { try JSONValue(parsing: $0, field: "args") }
        filter.batchID = try request.query("batch_id").map { text in
            let id = try Self.integer(text, field: "batch_id")
            guard id > 0 else { throw ConveyorError(.invalidInput, field: "batch_id", "'\(text)' is not a batch id") }
            return id
        }
        filter.schedule = request.query("schedule")
        filter.insertedAfter = try request.query("inserted_after").map { try Self.date($0, field: "inserted_after") }
        filter.insertedBefore = try request.query("inserted_before").map { try Self.date($0, field: "inserted_before") }
        filter.beforeID = try request.query("before_id").map { try Self.integer($0, field: "before_id") }
        if let limit = request.query("limit") { filter.limit = Int(try Self.integer(limit, field: "limit")) }
        return filter
    }

    static func date(_ text: String, field: String) throws -> Date {
        guard let date = RFC3339.date(text) else {
            throw ConveyorError(.invalidInput, field: field, "'\(text)' is not an ISO 8601 time such as 2026-12-01T08:00:00Z")
        }
        return try InstantRange.check(date, field: field)
    }

    static func integer(_ text: String, field: String) throws -> Int64 {
        guard let value = Int64(text) else { throw ConveyorError(.invalidInput, field: field, "'\(text)' is not a whole number") }
        return value
    }
}

/// What a bulk retry or cancel changed.
struct BulkResult: Encodable, Sendable {
    let count: Int
    let ids: [Int64]

    init(_ jobs: [Job]) {
        count = jobs.count
        ids = jobs.map(\.id)
    }
}

struct JobCount: Encodable, Sendable {
    let count: Int
}

struct JobPage: Encodable, Sendable {
    let jobs: [Job]
    let nextBeforeId: Int64?
}

/// A job with whether the enqueue found an existing unique one instead.
struct EnqueuedJob: Encodable, Sendable {
    let job: Job
    let duplicate: Bool

    private enum CodingKeys: String, CodingKey { case duplicate }

    func encode(to encoder: any Encoder) throws {
        try job.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(duplicate, forKey: .duplicate)
    }
}

/// `POST /api/v1/jobs/bulk`: `{"jobs": [<as POST /api/v1/jobs>]}`, inserted in one transaction.
struct BulkEnqueueBody: Decodable {
    let jobs: [EnqueueBody]
}

/// Each job of a bulk enqueue as stored, with whether a unique one already existed.
struct BulkEnqueued: Encodable, Sendable {
    let jobs: [EnqueuedJob]
    let inserted: Int
    let duplicates: Int

    init(_ results: [InsertResult]) {
        jobs = results.map { EnqueuedJob(job: $0.job, duplicate: $0.isDuplicate) }
        duplicates = results.filter(\.isDuplicate).count
        inserted = results.count - duplicates
    }
}

/// `POST /api/v1/jobs`.
struct EnqueueBody: Decodable {
    let kind: String
    let args: JSONValue?
    let queue: String?
    let priority: Int?
    let maxAttempts: Int?
    let scheduledAt: Date?
    let delaySeconds: Double?
    let tags: [String]?
    let meta: [String: JSONValue]?
    let unique: UniqueBody?
    let hooks: HooksBody?
    let backoff: BackoffBody?
    let timeoutSeconds: Double?

    /// `{"type": "exponential" | "fixed" | "linear", "base_seconds", "factor", "step_seconds", "jitter", "max_seconds"}`.
    struct BackoffBody: Decodable {
        let type: StoredBackoff.Rule
        let baseSeconds: Double
        let factor: Double?
        let stepSeconds: Double?
        let jitter: Double?
        let maxSeconds: Double?

        func backoff() throws -> Backoff {
            try StoredBackoff(type: type, baseSeconds: baseSeconds, factor: factor, stepSeconds: stepSeconds, jitter: jitter, maxSeconds: maxSeconds).backoff()
        }
    }

    struct UniqueBody: Decodable {
        /// "args" (default), "kind" or "keys".
        let by: String?
        let keys: [String]?
        let periodSeconds: Double?
        let states: [String]?
    }

    /// A `timeout_seconds` as a duration of at least a millisecond.
    static func timeout(seconds: Double) throws -> Duration {
        guard seconds >= 0.001 else { throw ConveyorError(.invalidInput, field: "timeout_seconds", "must be at least 0.001 (a millisecond)") }
        return try .seconds(checked: seconds, field: "timeout_seconds")
    }

    func options() throws -> EnqueueOptions {
        var options = EnqueueOptions(queue: queue, priority: priority, maxAttempts: maxAttempts, tags: tags ?? [], meta: meta ?? [:])
        options.at = scheduledAt
        options.hooks = hooks?.hooks
        options.backoff = try backoff?.backoff()
        if let timeoutSeconds { options.timeout = try Self.timeout(seconds: timeoutSeconds) }
        if let delaySeconds { options.delay = try .seconds(checked: delaySeconds, field: "delay_seconds") }
        if let unique {
            let basis: UniqueOptions.Basis
            switch unique.by ?? "args" {
            case "args": basis = .args
            case "kind": basis = .kindOnly
            case "keys":
                guard let keys = unique.keys, !keys.isEmpty else { throw ConveyorError(.invalidInput, field: "unique.keys", "name the args fields that make a job unique") }
                basis = .keys(keys)
            case let other: throw ConveyorError(.invalidInput, field: "unique.by", "'\(other)' is not args, kind or keys")
            }
            let states = try unique.states.map { Set(try $0.map { try JobState(parsing: $0, field: "unique.states") }) } ?? UniqueOptions.defaultStates
            let period = try unique.periodSeconds.map { try Duration.seconds(checked: $0, field: "unique.period_seconds") }
            options.unique = UniqueOptions(by: basis, period: period, states: states)
        }
        return options
    }
}

extension EnqueueBody {
    /// `jobs` checked and resolved as `POST /api/v1/jobs` does one, errors naming `jobs[i]`;
    /// at most ``Conveyor/maxBatchSize``.
    static func prepare(_ jobs: [EnqueueBody], on conveyor: Conveyor) async throws -> [JobInsert] {
        guard jobs.count <= Conveyor.maxBatchSize else {
            throw ConveyorError(.invalidInput, field: "jobs", "at most \(Conveyor.maxBatchSize) jobs go in one call, got \(jobs.count); split them")
        }
        var known = KnownKinds()
        var inserts: [JobInsert] = []
        inserts.reserveCapacity(jobs.count)
        for (index, job) in jobs.enumerated() {
            do {
                inserts.append(try await conveyor.prepare(kind: job.kind, args: job.args ?? .object([:]), options: try job.options(), known: &known))
            } catch let error as ConveyorError {
                throw ConveyorError(error.code, field: "jobs[\(index)].\(error.field ?? "")", error.message)
            }
        }
        return inserts
    }
}
