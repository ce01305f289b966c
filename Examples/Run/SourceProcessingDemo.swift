import Conveyor
import ExampleKit
import Foundation
import Hummingbird
import Logging
import SourceProcessing

extension Demo {
    /// Seed 004: the app's API on `--app-port` (default 3000) with a node and the dashboard;
    /// an agent `agent-1`, and a demo site to crawl when no real one is given.
    static let sourceProcessing = Demo { setting in
        let db = setting.db
        try await SourceTables.create(in: db)
        try await db.execute("DELETE FROM \(db.table("agents")) WHERE id = 'agent-1'")
        try await db.execute("INSERT INTO \(db.table("agents")) (id, name, namespace) VALUES ('agent-1', 'Support agent', 'agent-1-namespace')")
        let site = WebSiteStandIn()
        site.put("/", #"<h1>Acme</h1><p>Acme makes anvils.</p><a href="/pricing">Pricing</a>"#)
        site.put("/pricing", "<p>Anvils start at 99 dollars.</p>")
        site.put("/bucket/faq.md", "# FAQ\n\nWe ship worldwide within five days.", type: "text/markdown")
        let environment = setting.environment
        let concurrency = Int(environment["JOB_CONCURRENCY"] ?? "3") ?? 3
        let maxAttempts = Int(environment["JOB_MAX_RETRIES"] ?? "3") ?? 3
        let cleanupDays = Int(environment["JOB_CLEANUP_DAYS"] ?? "7") ?? 7
        try await setting.service("OPENAI_BASE_URL", standIn: OpenAIStandIn().router) { openAIURL in
            try await setting.service("PINECONE_INDEX_URL", standIn: PineconeStandIn().router) { pineconeURL in
                try await StandIn.serve(site.router) { siteURL in
                    var configuration = ConveyorConfiguration(queues: ["sources": concurrency])
                    configuration.logger = setting.logger
                    let conveyor = try await setting.store.node(configuration)
                    try await conveyor.setRetention(QueueRetention(completed: .maxAge(.seconds(cleanupDays * 86_400))), queue: "sources")
                    let services = SourceServices(db: db, openAIBaseURL: openAIURL, openAIKey: environment["OPENAI_API_KEY"] ?? "sk-demo",
                                                  pinecone: Pinecone(indexURL: pineconeURL, apiKey: environment["PINECONE_API_KEY"] ?? "pc-demo"))
                    conveyor.register(ProcessTextJob(services: services))
                    conveyor.register(ProcessFileJob(services: services))
                    conveyor.register(CrawlWebsiteJob(services: services))
                    let router = Router()
                    SourceAPI(conveyor: conveyor, services: services, maxAttempts: maxAttempts).addRoutes(to: router)
                    let appPort = Int(option("app-port") ?? "3000") ?? 3000
                    setting.logger.info("""
                        app API at http://127.0.0.1:\(appPort); try:
                          curl -X POST localhost:\(appPort)/api/agents/agent-1/sources/website -H 'Content-Type: application/json' \
                        -d '{"name":"Acme","url":"\(siteURL)/","crawlSubpages":true,"maxPages":5}'
                          curl -N localhost:\(appPort)/api/realtime/agents/agent-1/events
                        """)
                    let api = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: appPort)), logger: setting.logger)
                    try await setting.serve(conveyor, others: [api])
                }
            }
        }
    }
}
