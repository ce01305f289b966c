import AsyncHTTPClient
import Conveyor
import ConveyorTesting
import ExampleKit
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import SourceProcessing
import Testing

/// Seed 004: sources chunked, embedded and stored in Pinecone by three job types at three
/// priorities, with the seed's job routes and live updates per job and per agent.
@Suite("Example: source processing (seed 004)")
struct SourceProcessingTests {
    struct Fixture {
        let api: String
        let openAI: OpenAIStandIn
        let pinecone: PineconeStandIn
        let site: WebSiteStandIn
        let siteURL: String
        let db: any AppDatabase
        let node: Conveyor
        let clock: ManualClock

        /// A JSON request to the app; answers the status and the decoded body.
        func call(_ method: HTTPMethod, _ path: String, _ body: [String: Any]? = nil) async throws -> (Int, [String: Any]) {
            var request = HTTPClientRequest(url: api + path)
            request.method = method
            if let body {
                request.headers.add(name: "Content-Type", value: "application/json")
                request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: body)))
            }
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            let bytes = try await response.body.collect(upTo: 1 << 22)
            let json = (try? JSONSerialization.jsonObject(with: Data(buffer: bytes))) as? [String: Any] ?? ["raw": String(buffer: bytes)]
            return (Int(response.status.code), json)
        }

        /// Creates a source; answers (source id, job id).
        func create(_ kind: String, agent: String = "agent-1", _ body: [String: Any]) async throws -> (String, Int64) {
            let (status, json) = try await call(.POST, "/api/agents/\(agent)/sources/\(kind)", body)
            let data = try #require(json["data"] as? [String: Any], "\(status) \(json)")
            #expect(status == 200 && json["success"] as? Bool == true && data["status"] as? String == "pending")
            return (try #require(data["id"] as? String), Int64(try #require(data["jobId"] as? Int)))
        }

        func job(_ id: Int64) async throws -> [String: Any] {
            try #require(try await call(.GET, "/api/jobs/\(id)").1["data"] as? [String: Any])
        }

        func sourceStatus(_ id: String) async throws -> String? {
            try await db.first("SELECT status FROM \(db.table("data_sources")) WHERE id = ?", [.text(id)])?["status"].text
        }
    }

    func withFixture(_ backend: Backend, _ body: (Fixture) async throws -> Void) async throws {
        let openAI = OpenAIStandIn(dimensions: 8), pinecone = PineconeStandIn(), site = WebSiteStandIn()
        try await StandIn.serve(openAI.router) { openAIURL in
            try await StandIn.serve(pinecone.router) { pineconeURL in
                try await StandIn.serve(site.router) { siteURL in
                    try await backend.withDatabase { store, db in
                        try await SourceTables.create(in: db)
                        for agent in ["agent-1", "agent-2"] {
                            try await db.execute("INSERT INTO \(db.table("agents")) (id, name, namespace) VALUES (?, ?, ?)", [.text(agent), .text(agent), .text("ns-\(agent)")])
                        }
                        let clock = ManualClock()
                        let node = try await testNode(store, queues: ["sources": 3], clock: clock)
                        let services = SourceServices(db: db, openAIBaseURL: openAIURL, openAIKey: "sk-test",
                                                      pinecone: Pinecone(indexURL: pineconeURL, apiKey: "pc-test"), timeout: .seconds(10))
                        node.register(ProcessTextJob(services: services))
                        node.register(ProcessFileJob(services: services))
                        node.register(CrawlWebsiteJob(services: services))
                        let router = Router()
                        SourceAPI(conveyor: node, services: services).addRoutes(to: router)
                        try await StandIn.serve(router) { api in
                            try await body(Fixture(api: api, openAI: openAI, pinecone: pinecone, site: site, siteURL: siteURL, db: db, node: node, clock: clock))
                        }
                    }
                }
            }
        }
    }

    static let longText = (1...400).map { "Sentence \($0) about the onboarding guide." }.joined(separator: " ")

    @Test(arguments: Backend.allCases)
    func aTextSourceIsChunkedEmbeddedAndStoredWithTheSeedsMetadata(backend: Backend) async throws {
        try await withFixture(backend) { f in
            let (source, jobID) = try await f.create("text", ["name": "Onboarding guide", "text": Self.longText])
            #expect(try await f.job(jobID)["status"] as? String == "pending")
            try await f.node.drain(queue: "sources")
            let job = try await f.job(jobID)
            #expect(job["status"] as? String == "completed" && job["type"] as? String == "process_text" && job["data_source_id"] as? String == source)
            let progress = try #require(job["progress"] as? [String: Any])
            #expect(progress["percent"] as? Int == 100 && progress["stage"] as? String == "completed")
            let chunks = try #require((job["result"] as? [String: Any])?["chunks"] as? Int)
            #expect(chunks == Chunker().chunks(of: Self.longText).count && chunks > 10)
            #expect(try await f.sourceStatus(source) == "completed")
            let vectors = f.pinecone.vectors(in: "ns-agent-1")
            #expect(vectors.count == chunks)
            let first = try #require(vectors["\(source)#0"])
            #expect(first.metadata["source_id"] == .string(source) && first.metadata["agent_id"] == .string("agent-1"))
            #expect(first.metadata["chunk_index"] == .number(0) && first.metadata["namespace"] == .string("ns-agent-1"))
            #expect(Set(first.metadata.keys) == ["source_id", "agent_id", "chunk_index", "text", "char_count", "word_count", "namespace", "created_at"])
            #expect(first.values == OpenAIStandIn.vector(for: Chunker().chunks(of: Self.longText)[0], dimensions: 8))
        }
    }

    @Test(arguments: Backend.allCases)
    func textRunsBeforeFilesAndFilesBeforeCrawlsAndEachKindReadsItsSource(backend: Backend) async throws {
        try await withFixture(backend) { f in
            f.site.put("/", #"<html><body><h1>Acme</h1><a href="/pricing">Pricing</a> <a href="/about">About</a> <a href="https://elsewhere.test/">x</a><script>var x = 1;</script></body></html>"#)
            f.site.put("/pricing", #"<p>Plans start at 10 dollars.</p><a href="/">Home</a> <a href="/broken">Broken</a>"#)
            f.site.put("/about", "<p>Acme makes anvils.</p>")
            f.site.faults.plan(.status(500, body: "oops"), on: "/broken")
            f.site.put("/bucket/faq.md", "# FAQ\n\nWe ship worldwide.", type: "text/markdown")
            let (_, crawl) = try await f.create("website", ["name": "Acme site", "url": f.siteURL + "/", "crawlSubpages": true, "maxPages": 5])
            let (_, file) = try await f.create("file", ["name": "FAQ", "url": f.siteURL + "/bucket/faq.md", "fileName": "faq.md"])
            let (_, text) = try await f.create("text", ["name": "Note", "text": "Short note."])
            let ran = try await f.node.drain(queue: "sources")
            #expect(ran.map(\.id) == [text, file, crawl], "priority high (text), normal (file), low (crawl)")
            #expect(ran.allSatisfy { $0.state == .completed }, "\(ran.map(\.errors))")
            let crawled = try #require(try await f.job(crawl)["result"] as? [String: Any])
            #expect(crawled["pages"] as? Int == 3 && crawled["pages_skipped"] as? Int == 1, "\(crawled)")
            #expect(f.site.requests["/"] == 1, "each page fetched once")
            let texts = f.pinecone.vectors(in: "ns-agent-1").values.compactMap { if case .string(let text)? = $0.metadata["text"] { text } else { nil } }
            #expect(texts.contains { $0.contains("Plans start at 10 dollars") && $0.contains("Acme makes anvils") && !$0.contains("var x") })
            #expect(texts.contains { $0.contains("We ship worldwide") })
        }
    }

    @Test(arguments: Backend.allCases)
    func anAgentsLiveStreamCarriesItsJobsProgressAndNotAnotherAgents(backend: Backend) async throws {
        try await withFixture(backend) { f in
            var request = HTTPClientRequest(url: f.api + "/api/realtime/agents/agent-1/events")
            request.headers.add(name: "Accept", value: "text/event-stream")
            let (info, subscription) = try await f.call(.GET, "/api/realtime/agents/agent-1/subscribe")
            #expect(info == 200 && (subscription["data"] as? [String: Any])?["url"] as? String == "/api/realtime/agents/agent-1/events")
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            var body = response.body.makeAsyncIterator()
            _ = try await body.next()  // ": subscribed": the stream is open
            let (_, other) = try await f.create("text", agent: "agent-2", ["name": "Other", "text": "Not for agent one."])
            let (source, mine) = try await f.create("text", ["name": "Mine", "text": Self.longText])
            try await f.node.drain(queue: "sources")
            let updates = try await Self.updates(from: &body, until: { $0["jobId"] as? Int == Int(mine) && $0["status"] as? String == "completed" })
            #expect(updates.allSatisfy { $0["jobId"] as? Int == Int(mine) && $0["sourceId"] as? String == source }, "agent-2's job \(other) is not in agent-1's stream")
            let statuses = updates.compactMap { $0["status"] as? String }
            #expect(statuses.first == "pending" && statuses.contains("processing") && statuses.last == "completed", "\(statuses)")
            #expect(updates.contains { ($0["details"] as? [String: Any])?["stage"] as? String == "embedding" })
        }
    }

    /// Reads server-sent `job_status_update` frames until one satisfies `last` (at most 20 s).
    static func updates(from body: inout HTTPClientResponse.Body.AsyncIterator, until last: ([String: Any]) -> Bool) async throws -> [[String: Any]] {
        var updates: [[String: Any]] = [], buffer = ""
        let deadline = ContinuousClock.now + .seconds(20)
        while !updates.contains(where: last) {
            guard ContinuousClock.now < deadline, let chunk = try await body.next() else {
                throw ExampleTestFailure("the stream ended or stalled after \(updates)")
            }
            buffer += String(buffer: chunk)
            while let end = buffer.range(of: "\n\n") {
                let frame = String(buffer[..<end.lowerBound])
                buffer = String(buffer[end.upperBound...])
                if let line = frame.split(separator: "\n").first(where: { $0.hasPrefix("data: ") }),
                   let update = try JSONSerialization.jsonObject(with: Data(line.dropFirst(6).utf8)) as? [String: Any] {
                    updates.append(update)
                }
            }
        }
        return updates
    }

    @Test(arguments: Backend.allCases)
    func aFailedJobIsRetriedThroughTheAPIAndAPendingOneIsCancelled(backend: Backend) async throws {
        try await withFixture(backend) { f in
            f.openAI.faults.plan(.status(500, body: #"{"error":{"message":"The server had an error","type":"server_error"}}"#), times: 3, on: "embeddings")
            let (source, jobID) = try await f.create("text", ["name": "Guide", "text": "Some text to embed."])
            for _ in 0..<3 {
                try await f.node.drain(queue: "sources")
                f.clock.advance(by: .seconds(60))
            }
            var job = try await f.job(jobID)
            #expect(job["status"] as? String == "failed" && job["attempts"] as? Int == 3)
            #expect((job["error_message"] as? String)?.contains("OpenAI answered 500") == true)
            #expect(try await f.sourceStatus(source) == "failed")
            let (retried, _) = try await f.call(.POST, "/api/jobs/\(jobID)/retry")
            #expect(retried == 200)
            #expect(try await f.job(jobID)["status"] as? String == "pending")
            try await f.node.drain(queue: "sources")
            job = try await f.job(jobID)
            #expect(job["status"] as? String == "completed")
            #expect(try await f.sourceStatus(source) == "completed")

            let (_, pending) = try await f.create("text", ["name": "Later", "text": "Never mind."])
            let (cancelled, answer) = try await f.call(.DELETE, "/api/jobs/\(pending)")
            #expect(cancelled == 200 && (answer["data"] as? [String: Any])?["status"] as? String == "cancelled")
            #expect(try await f.node.drain(queue: "sources").isEmpty)
        }
    }

    @Test(arguments: Backend.allCases)
    func deletingASourceCancelsItsPendingJobsAndDeletesItsVectors(backend: Backend) async throws {
        try await withFixture(backend) { f in
            let (done, _) = try await f.create("text", ["name": "Indexed", "text": Self.longText])
            let (kept, _) = try await f.create("text", ["name": "Kept", "text": "Another source."])
            try await f.node.drain(queue: "sources")
            #expect(f.pinecone.vectors(in: "ns-agent-1").values.contains { $0.metadata["source_id"] == .string(done) })
            let (_, pending) = try await f.create("text", ["name": "Indexed again", "text": "x"])
            let sourceOfPending = try #require(try await f.job(pending)["data_source_id"] as? String)
            for source in [done, sourceOfPending] {
                let (status, _) = try await f.call(.DELETE, "/api/agents/agent-1/sources/\(source)")
                #expect(status == 200)
            }
            #expect(try await f.job(pending)["status"] as? String == "cancelled")
            let left = f.pinecone.vectors(in: "ns-agent-1").values
            #expect(!left.contains { $0.metadata["source_id"] == .string(done) } && left.contains { $0.metadata["source_id"] == .string(kept) })
            #expect(try await f.sourceStatus(done) == nil)
            let (missing, _) = try await f.call(.DELETE, "/api/agents/agent-1/sources/\(done)")
            #expect(missing == 404)
        }
    }

    @Test(arguments: Backend.allCases)
    func badInputGetsAClearAnswerAndAnUnreadableFileAClearError(backend: Backend) async throws {
        try await withFixture(backend) { f in
            let (empty, emptyAnswer) = try await f.call(.POST, "/api/agents/agent-1/sources/text", ["name": "Empty", "text": "  "])
            #expect(empty == 400 && "\(emptyAnswer)".contains("text: must not be empty"))
            let (unknown, _) = try await f.call(.POST, "/api/agents/nobody/sources/text", ["name": "X", "text": "y"])
            #expect(unknown == 404)
            let (pages, _) = try await f.call(.POST, "/api/agents/agent-1/sources/website", ["name": "Site", "url": f.siteURL, "maxPages": 0])
            #expect(pages == 400)
            let (badID, _) = try await f.call(.GET, "/api/jobs/abc")
            #expect(badID == 400)
            f.site.put("/bucket/deck.pdf", "%PDF-1.7", type: "application/pdf")
            let (source, pdf) = try await f.create("file", ["name": "Deck", "url": f.siteURL + "/bucket/deck.pdf", "fileName": "deck.pdf"])
            try await f.node.drain(queue: "sources")
            let job = try await f.job(pdf)
            #expect(job["status"] as? String == "failed" && (job["error_message"] as? String)?.contains("'pdf' files cannot be read here") == true)
            #expect(try await f.sourceStatus(source) == "failed")
        }
    }
}

import Hummingbird
