public import Conveyor
import ExampleKit
import Foundation
public import Hummingbird
import NIOCore

/// The seed's routes: sources that return a `jobId`, job status, retry, cancel, and live updates.
public struct SourceAPI: Sendable {
    let conveyor: Conveyor
    let services: SourceServices
    /// `JOB_MAX_RETRIES`.
    let maxAttempts: Int

    public init(conveyor: Conveyor, services: SourceServices, maxAttempts: Int = 3) {
        self.conveyor = conveyor
        self.services = services
        self.maxAttempts = maxAttempts
    }

    public func addRoutes(to router: Router<BasicRequestContext>) {
        let agents = router.group("api/agents/:agentId")
        agents.post("sources/text") { request, context in
            let input = try await request.decode(as: TextSource.self, context: context)
            guard !input.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw Self.bad("text", "must not be empty") }
            return try await create(name: input.name, type: "text", agent: try context.parameters.require("agentId")) { source, agent in
                try await conveyor.enqueue(ProcessTextJob.self, args: .init(sourceId: source, agentId: agent, text: input.text), options: options(source, agent))
            }
        }
        agents.post("sources/file") { request, context in
            let input = try await request.decode(as: FileSource.self, context: context)
            guard URL(string: input.url)?.host() != nil else { throw Self.bad("url", "'\(input.url)' is not a URL") }
            return try await create(name: input.name, type: "file", agent: try context.parameters.require("agentId")) { source, agent in
                try await conveyor.enqueue(ProcessFileJob.self, args: .init(sourceId: source, agentId: agent, fileName: input.fileName ?? input.name, url: input.url),
                                           options: options(source, agent))
            }
        }
        agents.post("sources/website") { request, context in
            let input = try await request.decode(as: WebsiteSource.self, context: context)
            guard URL(string: input.url)?.host() != nil else { throw Self.bad("url", "'\(input.url)' is not a URL") }
            let maxPages = input.maxPages ?? 10
            guard (1...500).contains(maxPages) else { throw Self.bad("maxPages", "must be between 1 and 500, got \(maxPages)") }
            return try await create(name: input.name, type: "website", agent: try context.parameters.require("agentId")) { source, agent in
                try await conveyor.enqueue(CrawlWebsiteJob.self, args: .init(sourceId: source, agentId: agent, url: input.url,
                                                                             crawlSubpages: input.crawlSubpages ?? false, maxPages: maxPages),
                                           options: options(source, agent))
            }
        }
        agents.delete("sources/:sourceId") { _, context in
            let agent = try context.parameters.require("agentId"), source = try context.parameters.require("sourceId")
            try await deleteSource(source, agent: agent)
            return Envelope(success: true, data: ["id": source])
        }
        agents.get("jobs") { _, context in
            Envelope(success: true, data: try await jobs(tagged: "agent:\(try context.parameters.require("agentId"))"))
        }
        agents.get("sources/:sourceId/jobs") { _, context in
            Envelope(success: true, data: try await jobs(tagged: "source:\(try context.parameters.require("sourceId"))"))
        }
        let job = router.group("api/jobs/:jobId")
        job.get { _, context in
            Envelope(success: true, data: SourceJob(try await conveyor.job(id: try Self.jobID(context))))
        }
        job.post("retry") { _, context in
            let job = try await conveyor.retry(id: try Self.jobID(context))
            if let source = SourceJob(job).data_source_id { try await services.setStatus("pending", of: source) }
            return Envelope(success: true, data: SourceJob(job))
        }
        job.delete { _, context in
            let job = try await conveyor.cancel(id: try Self.jobID(context), reason: "cancelled through the API")
            if let source = SourceJob(job).data_source_id { try await services.setStatus("cancelled", of: source) }
            return Envelope(success: true, data: SourceJob(job))
        }
        SourceRealtime(conveyor: conveyor).addRoutes(to: router)
    }

    private func options(_ source: String, _ agent: String) -> EnqueueOptions {
        EnqueueOptions(maxAttempts: maxAttempts, tags: ["agent:\(agent)", "source:\(source)"], backoff: .exponential(base: .seconds(5), factor: 2))
    }

    /// The source's row, then its job; the answer carries both, as the seed's creation routes do.
    private func create(name: String, type: String, agent: String, enqueue: (String, String) async throws -> InsertResult) async throws -> Envelope<CreatedSource> {
        let db = services.db
        guard try await db.first("SELECT id FROM \(db.table("agents")) WHERE id = ?", [.text(agent)]) != nil else {
            throw HTTPError(.notFound, message: "agent \(agent) does not exist")
        }
        guard !name.isEmpty, name.count <= 200 else { throw Self.bad("name", "must be 1 to 200 characters") }
        let source = UUID().uuidString.lowercased()
        try await db.execute("INSERT INTO \(db.table("data_sources")) (id, agent_id, name, type, created_at) VALUES (?, ?, ?, ?, ?)",
                             [.text(source), .text(agent), .text(name), .text(type), .date(Date())])
        let job = try await enqueue(source, agent).job
        try await db.execute("UPDATE \(db.table("data_sources")) SET job_id = ? WHERE id = ?", [.int(Int(job.id)), .text(source)])
        return Envelope(success: true, data: CreatedSource(id: source, name: name, type: type, status: "pending", jobId: job.id))
    }

    /// The seed's cleanup: cancel the source's pending jobs, delete its vectors, delete it.
    public func deleteSource(_ source: String, agent: String) async throws {
        let db = services.db
        guard let namespace = try await db.first("""
            SELECT a.namespace FROM \(db.table("data_sources")) s JOIN \(db.table("agents")) a ON a.id = s.agent_id WHERE s.id = ? AND s.agent_id = ?
            """, [.text(source), .text(agent)])?["namespace"].text else {
            throw HTTPError(.notFound, message: "source \(source) of agent \(agent) does not exist")
        }
        for job in try await conveyor.jobs(matching: JobFilter(states: JobState.active, tags: ["source:\(source)"], limit: 1_000)) {
            _ = try await conveyor.cancel(id: job.id, reason: "source deleted")
        }
        try await services.pinecone.deleteVectors(ofSource: source, namespace: namespace)
        try await db.execute("DELETE FROM \(db.table("data_sources")) WHERE id = ?", [.text(source)])
    }

    private func jobs(tagged tag: String) async throws -> [SourceJob] {
        try await conveyor.jobs(matching: JobFilter(tags: [tag], limit: 1_000)).map(SourceJob.init)
    }

    static func jobID(_ context: BasicRequestContext) throws -> Int64 {
        let text = try context.parameters.require("jobId")
        guard let id = Int64(text), id > 0 else { throw bad("jobId", "'\(text)' is not a job id") }
        return id
    }

    static func bad(_ field: String, _ problem: String) -> HTTPError {
        HTTPError(.badRequest, message: "\(field): \(problem)")
    }

    struct TextSource: Decodable { let name: String; let text: String }
    struct FileSource: Decodable { let name: String; let url: String; let fileName: String? }
    struct WebsiteSource: Decodable { let name: String; let url: String; let crawlSubpages: Bool?; let maxPages: Int? }

    struct CreatedSource: Codable, Sendable {
        let id: String
        let name: String
        let type: String
        let status: String
        let jobId: Int64
    }
}

/// `{"success": true, "data": …}`, the seed's envelope.
struct Envelope<Data: Encodable & Sendable>: ResponseEncodable, Sendable {
    let success: Bool
    let data: Data
}

/// A job as the seed's `jobs` table has it.
struct SourceJob: Codable, Sendable {
    let id: Int64
    let data_source_id: String?
    let type: String
    let status: String
    let priority: Int
    let progress: JSONValue
    let result: JSONValue?
    let error_message: String?
    let attempts: Int
    let max_attempts: Int
    let scheduled_for: Date
    let started_at: Date?
    let completed_at: Date?
    let created_at: Date

    init(_ job: Job) {
        id = job.id
        data_source_id = job.tags.first { $0.hasPrefix("source:") }.map { String($0.dropFirst("source:".count)) }
        type = job.kind
        status = Self.status(job.state)
        priority = job.priority
        var progress: [String: JSONValue] = [:]
        if let fraction = job.progress { progress["percent"] = .number((fraction * 100).rounded()) }
        if case .object(let details)? = job.progressDetails { progress.merge(details) { $1 } }
        self.progress = .object(progress)
        result = job.result
        error_message = job.errors.last?.message
        attempts = job.attempt
        max_attempts = job.maxAttempts
        scheduled_for = job.scheduledAt
        started_at = job.attemptedAt
        completed_at = job.finishedAt
        created_at = job.insertedAt
    }

    /// The seed's four statuses (and `cancelled`).
    static func status(_ state: JobState) -> String {
        switch state {
        case .available, .scheduled, .retryable: "pending"
        case .executing: "processing"
        case .completed: "completed"
        case .discarded: "failed"
        case .cancelled: "cancelled"
        }
    }
}
