public import Conveyor
public import ExampleKit
import Foundation

/// What the three source jobs use.
public struct SourceServices: Sendable {
    public let db: any AppDatabase
    public let openAI: ServiceClient
    public let pinecone: Pinecone
    public var chunker = Chunker()
    /// Downloads (files, pages) time out after this.
    public var downloadTimeout: Duration = .seconds(30)

    public init(db: any AppDatabase, openAIBaseURL: String, openAIKey: String, pinecone: Pinecone, timeout: Duration = .seconds(30)) {
        self.db = db
        self.openAI = ServiceClient(service: "OpenAI", baseURL: openAIBaseURL, headers: [("Authorization", "Bearer \(openAIKey)")], timeout: timeout)
        self.pinecone = pinecone
        self.downloadTimeout = timeout
    }

    /// Chunk → embed → store, reporting progress from `from` to 1; answers the job's result.
    func index(_ text: String, source: any SourceArgs, context: JobContext, from start: Double) async throws -> [String: Int] {
        let chunks = chunker.chunks(of: text)
        guard let namespace = try await db.first("SELECT namespace FROM \(db.table("agents")) WHERE id = ?", [.text(source.agentId)])?["namespace"].text else {
            throw JobControl.discard(reason: "agent \(source.agentId) does not exist")
        }
        let created = context.job.insertedAt.formatted(.iso8601)
        var stored = 0
        for first in stride(from: 0, to: chunks.count, by: 50) {
            let batch = Array(chunks[first..<min(first + 50, chunks.count)])
            try await context.progress(start + (1 - start) * Double(first) / Double(max(chunks.count, 1)), "embedding",
                                       details: Stage("embedding", chunksDone: first, chunksTotal: chunks.count))
            let answer: Embeddings = try await openAI.send(.POST, "/v1/embeddings", body: EmbeddingRequest(model: "text-embedding-3-small", input: batch))
            guard answer.data.count == batch.count else {
                throw ServiceError(service: "OpenAI", call: "POST /v1/embeddings", problem: .malformed("\(answer.data.count) embeddings for \(batch.count) inputs"))
            }
            let vectors = zip(batch.indices, answer.data.sorted { $0.index < $1.index }).map { offset, item in
                let chunk = batch[offset], index = first + offset
                return Pinecone.Vector(id: "\(source.sourceId)#\(index)", values: item.embedding, metadata: .init(
                    source_id: source.sourceId, agent_id: source.agentId, chunk_index: index, text: chunk, char_count: chunk.count,
                    word_count: chunk.split(separator: " ").count, namespace: namespace, created_at: created))
            }
            try await pinecone.upsert(vectors, namespace: namespace)
            stored += vectors.count
        }
        try await context.progress(1, "completed", details: Stage("completed", chunksDone: chunks.count, chunksTotal: chunks.count))
        return ["chunks": chunks.count, "vectors": stored, "characters": text.count]
    }

    /// Runs a source's job: its status follows the job's, `failed` once the last attempt fails.
    func run(_ source: any SourceArgs, context: JobContext, _ body: () async throws -> [String: Int]) async throws {
        try await setStatus("processing", of: source.sourceId)
        do {
            let result = try await body()
            try context.setResult(result)
            try await setStatus("completed", of: source.sourceId)
        } catch {
            let final = error is JobControl || context.job.attempt >= context.job.maxAttempts
            try? await setStatus(final ? "failed" : "pending", of: source.sourceId)
            throw error
        }
    }

    func setStatus(_ status: String, of source: String) async throws {
        try await db.execute("UPDATE \(db.table("data_sources")) SET status = ? WHERE id = ?", [.text(status), .text(source)])
    }

    struct EmbeddingRequest: Encodable, Sendable {
        let model: String
        let input: [String]
    }

    struct Embeddings: Decodable {
        struct Item: Decodable {
            let index: Int
            let embedding: [Float]
        }
        let data: [Item]
    }
}

/// What every source job carries.
public protocol SourceArgs: Codable, Sendable {
    var sourceId: String { get }
    var agentId: String { get }
}

/// `process_text`: high priority.
public struct ProcessTextJob: JobWorker {
    public struct Args: SourceArgs {
        public let sourceId: String
        public let agentId: String
        public let text: String
    }
    public static let kind = "process_text"
    public static let options = JobOptions(queue: "sources", priority: SourcePriority.high, maxAttempts: 3)
    let services: SourceServices

    public init(services: SourceServices) { self.services = services }

    public func perform(_ args: Args, context: JobContext) async throws {
        try await services.run(args, context: context) { try await services.index(args.text, source: args, context: context, from: 0) }
    }
}

/// `process_file`: normal priority; the file downloaded from its bucket URL.
public struct ProcessFileJob: JobWorker {
    public struct Args: SourceArgs {
        public let sourceId: String
        public let agentId: String
        public let fileName: String
        public let url: String
    }
    public static let kind = "process_file"
    public static let options = JobOptions(queue: "sources", priority: SourcePriority.normal, maxAttempts: 3)
    let services: SourceServices

    public init(services: SourceServices) { self.services = services }

    public func perform(_ args: Args, context: JobContext) async throws {
        try await services.run(args, context: context) {
            try await context.progress(0, "downloading", details: Stage("downloading"))
            let data = try await download(args.url, timeout: services.downloadTimeout)
            let text: String
            do {
                text = try ContentExtraction.text(ofFile: args.fileName, data: data)
            } catch let unsupported as ContentExtraction.Unsupported {
                throw JobControl.discard(reason: unsupported.description)
            }
            return try await services.index(text, source: args, context: context, from: 0.2)
        }
    }
}

/// `crawl_website`: low priority; the start page, and same-site pages up to `maxPages`.
public struct CrawlWebsiteJob: JobWorker {
    public struct Args: SourceArgs {
        public let sourceId: String
        public let agentId: String
        public let url: String
        public let crawlSubpages: Bool
        public let maxPages: Int
    }
    public static let kind = "crawl_website"
    public static let options = JobOptions(queue: "sources", priority: SourcePriority.low, maxAttempts: 3, timeout: .seconds(900))
    let services: SourceServices

    public init(services: SourceServices) { self.services = services }

    public func perform(_ args: Args, context: JobContext) async throws {
        try await services.run(args, context: context) {
            guard let start = URL(string: args.url), let host = start.host() else { throw JobControl.discard(reason: "'\(args.url)' is not a URL") }
            var queue = [start], seen: Set<String> = [start.absoluteString], texts: [String] = [], skipped = 0
            while let page = queue.first, texts.count < max(args.maxPages, 1) {
                queue.removeFirst()
                try await context.progress(0.5 * Double(texts.count) / Double(max(args.maxPages, 1)), "crawling \(page.path())",
                                           details: Stage("crawling", pagesDone: texts.count, pagesMax: args.maxPages))
                let html: String
                do {
                    html = String(decoding: try await download(page.absoluteString, timeout: services.downloadTimeout), as: UTF8.self)
                } catch where page != start {
                    skipped += 1  // A broken subpage does not fail the crawl; the start page does.
                    continue
                }
                let (text, links) = ContentExtraction.page(html)
                texts.append(text)
                guard args.crawlSubpages else { break }
                for link in links {
                    guard let next = URL(string: link, relativeTo: page)?.absoluteURL, next.host() == host, seen.insert(next.absoluteString).inserted else { continue }
                    queue.append(next)
                }
            }
            var result = try await services.index(texts.joined(separator: "\n\n"), source: args, context: context, from: 0.5)
            result["pages"] = texts.count
            result["pages_skipped"] = skipped
            return result
        }
    }
}

/// Where a job is, as its progress details (the seed's `progress` JSON).
struct Stage: Encodable, Sendable {
    let stage: String
    var chunks_done: Int?
    var chunks_total: Int?
    var pages_done: Int?
    var pages_max: Int?

    init(_ stage: String, chunksDone: Int? = nil, chunksTotal: Int? = nil, pagesDone: Int? = nil, pagesMax: Int? = nil) {
        self.stage = stage
        chunks_done = chunksDone
        chunks_total = chunksTotal
        pages_done = pagesDone
        pages_max = pagesMax
    }
}

/// The seed's priorities (text 10, file 5, crawl 3, higher first) on Conveyor's scale (0 first).
public enum SourcePriority {
    public static let high = 0
    public static let normal = 5
    public static let low = 7
}

func download(_ url: String, timeout: Duration) async throws -> Data {
    guard let parsed = URL(string: url), let scheme = parsed.scheme, let host = parsed.host() else {
        throw JobControl.discard(reason: "'\(url)' is not a URL")
    }
    let origin = "\(scheme)://\(host)" + (parsed.port.map { ":\($0)" } ?? "")
    let path = String(url.dropFirst(origin.count))
    return try await ServiceClient(service: host, baseURL: origin, timeout: timeout).sendRaw(.GET, path.isEmpty ? "/" : path)
}
