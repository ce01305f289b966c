import Conveyor
import ConveyorServer
import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import Logging
import InMemoryTracing
import Testing
import Tracing

/// An application's own request context: a field of its own, set by its own middleware, and
/// the one property Conveyor's routes need.
struct ShopContext: ConveyorRequestContext {
    var coreContext: CoreRequestContextStorage
    var conveyorAccess = ConveyorAccess()
    var customer: String?

    init(source: Source) {
        coreContext = .init(source: source)
    }
}

/// The application's own middleware, on its whole router.
struct CustomerMiddleware: RouterMiddleware {
    typealias Context = ShopContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.customer = request.headers[HTTPField.Name("X-Customer")!]
        return try await next(request, context)
    }
}

struct Order: Codable {
    let orderNumber: Int
}

/// A server span around each request, as Hummingbird's `TracingMiddleware` starts with the
/// process's tracer, on a tracer of the test's own.
struct ServerSpanMiddleware: RouterMiddleware {
    typealias Context = ShopContext
    let tracer: any Tracer

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try await tracer.withSpan("\(request.method) \(request.uri.path)", ofKind: .server) { _ in try await next(request, context) }
    }
}

/// A shop with its own routes and Conveyor mounted under `/ops/jobs`, its requests traced
/// with `tracer` if given.
func shopApplication(_ server: ConveyorServer, logger: Logger, tracer: (any Tracer)? = nil) -> any ApplicationProtocol {
    let router = Router(context: ShopContext.self)
    if let tracer { router.add(middleware: ServerSpanMiddleware(tracer: tracer)) }
    router.add(middleware: CustomerMiddleware())
    router.get("hello") { _, _ in "hello from the application" }
    router.get("whoami") { _, context in context.customer ?? "nobody" }
    // The application's own decoder (camelCase keys), which Conveyor's snake_case API leaves alone.
    router.post("orders") { request, context in "order \(try await request.decode(as: Order.self, context: context).orderNumber)" }
    server.addRoutes(to: router, at: "/ops/jobs")
    return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
}

@Suite("Conveyor mounted in another application")
struct MountedServerTests {
    @Test(.timeLimit(.minutes(1)))
    func theApplicationsRoutesAndConveyorsShareOneRouter() async throws {
        try await withAPI(application: { shopApplication($0, logger: $1) }) { client, _ in
            func text(_ method: HTTPRequest.Method, _ uri: String, headers: HTTPFields = [:], body: String? = nil) async throws -> (HTTPResponse.Status, String) {
                let response = try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
                return (response.status, String(buffer: response.body))
            }
            // The application's routes: no key asked, its own context and decoder.
            #expect(try await text(.get, "/hello") == (.ok, "hello from the application"))
            #expect(try await text(.get, "/whoami", headers: [HTTPField.Name("X-Customer")!: "ada"]) == (.ok, "ada"))
            #expect(try await text(.post, "/orders", headers: [.contentType: "application/json"], body: #"{"orderNumber": 7}"#) == (.ok, "order 7"))

            // Conveyor's, under the prefix, with its keys, its snake_case JSON and its error body.
            #expect(try await client.call(.get, "/ops/jobs/health", key: nil).0 == .ok)
            let (created, job) = try await client.call(.post, "/ops/jobs/api/v1/jobs", json: #"{"kind": "noop", "max_attempts": 2}"#)
            #expect(created == .created)
            #expect(job["max_attempts"] as? Int == 2)
            let (unsigned, refusal) = try await client.call(.get, "/ops/jobs/api/v1/jobs", key: nil)
            #expect(unsigned == .unauthorized)
            #expect(refusal.error.field == "authorization")
            let (bad, badState) = try await client.call(.get, "/ops/jobs/api/v1/jobs?state=nope")
            #expect(bad == .badRequest)
            #expect(badState.error.field == "state")
            #expect(try await client.call(.get, "/ops/jobs/api/v1/jobs/\(try #require(job["id"] as? Int))", key: readKey).0 == .ok)

            // Nothing of Conveyor's is left at the root.
            for path in ["/api/v1/jobs", "/jobs", "/health", "/login"] {
                #expect(try await client.call(.get, path).0 == .notFound, "\(path)")
            }
            // The dashboard sends an unsigned visitor to its sign-in page under the prefix.
            let response = try await client.execute(uri: "/ops/jobs/jobs", method: .get)
            #expect(response.status == .seeOther || response.status == .found)
            #expect(response.headers[.location] == "/ops/jobs/login")
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func anEnqueueOverHTTPContinuesTheRequestsTrace() async throws {
        let tracer = InMemoryTracer()
        try await withAPI(runQueues: true, tracer: tracer, application: { shopApplication($0, logger: $1, tracer: tracer) }) { client, conveyor in
            let (status, job) = try await client.call(.post, "/ops/jobs/api/v1/jobs", json: #"{"kind": "noop"}"#)
            #expect(status == .created)
            let id = try #require((job["id"] as? Int).map(Int64.init))
            try await waitFor(async: { try await conveyor.job(id: id).state == .completed })
            let spans = tracer.finishedSpans
            let request = try #require(spans.first { $0.operationName == "POST /ops/jobs/api/v1/jobs" })
            let trace = spans.filter { $0.traceID == request.traceID }
            let enqueue = try #require(trace.first { $0.operationName == "enqueue noop" })
            let claim = try #require(trace.first { $0.operationName == "claim default" })
            let run = try #require(trace.first { $0.operationName == "run noop" })
            #expect(enqueue.parentSpanID == request.spanID)
            #expect(claim.parentSpanID == enqueue.spanID)
            #expect(run.parentSpanID == claim.spanID)
        }
    }

    @Test(.timeLimit(.minutes(2)), .enabled(if: ProcessInfo.processInfo.environment["CONVEYOR_BROWSER_TESTS"] == "1"))
    func theDashboardsEveryLinkStaysUnderThePrefix() async throws {
        try await withAPI(runQueues: true, application: { shopApplication($0, logger: $1) }) { client, _ in
            let port = try #require(client.port)
            let (status, text) = try await DashboardBrowserTests.runScript(
                ["mounted_dashboard_browser.py", "--url", "http://127.0.0.1:\(port)", "--prefix", "/ops/jobs", "--key", adminKey])
            #expect(status == 0, "\(text)")
            #expect(text.contains("mounted dashboard: all checks passed"), "\(text)")
        }
    }
}
