public import Conveyor
public import Hummingbird
public import Logging
import Foundation

/// Conveyor over HTTP: the JSON API under `/api/v1`, live events, the web dashboard,
/// `/metrics`, `/openapi.json`, `/health` and `/ready`.
///
/// Mount it into your own Hummingbird application under a path of your choice with
/// ``addRoutes(to:at:)``; your context adopts ``ConveyorRequestContext``, and the rest of your
/// router is left as it is. Or let `conveyor serve --port` run it on its own.
///
/// ```swift
/// let router = Router(context: AppContext.self)
/// router.get("hello") { _, _ in "hello" }
/// ConveyorServer(conveyor: conveyor, keys: try APIKeys(parsing: ["…:admin"])).addRoutes(to: router, at: "/ops/jobs")
/// let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 8080)))
/// ```
public struct ConveyorServer: Sendable {
    /// The node whose jobs the routes serve.
    public let conveyor: Conveyor
    /// The API keys the routes accept.
    public let keys: APIKeys
    /// Served at `/metrics` (with a `read` key when keys are set); nil leaves it out. The
    /// runtime's own counters and timers go to whatever backend swift-metrics is bootstrapped
    /// with, with or without it.
    public let metrics: PrometheusMetrics?
    /// The longest a worker's fetch waits for jobs here, whatever it asks (at most
    /// `Conveyor.maximumLeaseWait`): a proxy in front may close idle requests sooner.
    public var leaseWaitLimit: Duration = Conveyor.maximumLeaseWait

    let sessions = DashboardSessions()

    /// The routes of `conveyor`, guarded by `keys`, with `/metrics` when `metrics` is given.
    public init(conveyor: Conveyor, keys: APIKeys, metrics: PrometheusMetrics? = nil) {
        self.conveyor = conveyor
        self.keys = keys
        self.metrics = metrics
    }

    /// Adds Conveyor's routes to `router` under `prefix` (`"/ops/jobs"`, or `""` for the root),
    /// with their own error answers and key checks: the rest of the router keeps its own. Every
    /// link and form of the dashboard stays under the prefix.
    ///
    /// - Precondition: `prefix` is empty or a path such as `/ops/jobs`: segments of letters,
    ///   digits, `-`, `_`, `.` and `~`, with no trailing slash.
    public func addRoutes<Context: ConveyorRequestContext>(to router: some RouterMethods<Context>, at prefix: String = "") {
        precondition(Self.isMountPath(prefix), "mount Conveyor at \"\" or a path such as \"/ops/jobs\", not \"\(prefix)\"")
        addRoutes(to: router.group(RouterPath(prefix)).add(middleware: APIErrorMiddleware(prefix: prefix)), prefix: prefix)
    }

    /// The routes on `router`, whose middleware already turns their errors into API answers.
    private func addRoutes<Context: ConveyorRequestContext>(to router: RouterGroup<Context>, prefix: String) {
        router.get("health") { _, _ in JSONResponse(["status": "ok"]) }
        router.get("openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.json)))
        }
        router.get("ready") { _, context in
            do {
                // The nodes table is small: a probe every few seconds must not count every job.
                _ = try await conveyor.nodes()
                return JSONResponse(["status": "ready"])
            } catch {
                // The details stay in the log: this route needs no key.
                context.logger.warning("not ready", metadata: ["error": "\(error)"])
                throw APIError(status: .serviceUnavailable, code: "not_ready", message: "the database does not answer")
            }
        }
        if let metrics {
            router.group("metrics").add(middleware: APIKeyMiddleware(keys: keys, sessions: sessions)).get { _, context in
                try context.require(.read)
                return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                                body: .init(byteBuffer: ByteBuffer(string: try await metrics.render(conveyor))))
            }
        }
        let api = router.group("api/v1").add(middleware: APIKeyMiddleware(keys: keys, sessions: sessions))
        JobRoutes(conveyor: conveyor).add(to: api)
        BatchRoutes(conveyor: conveyor).add(to: api)
        WorkRoutes(conveyor: conveyor, waitLimit: leaseWaitLimit).add(to: api)
        QueueRoutes(conveyor: conveyor).add(to: api)
        ScheduleRoutes(conveyor: conveyor).add(to: api)
        EventRoutes(conveyor: conveyor).add(to: api)
        DashboardRoutes(conveyor: conveyor, keys: keys, sessions: sessions, base: prefix).add(to: router)
    }

    static func isMountPath(_ prefix: String) -> Bool {
        if prefix.isEmpty { return true }
        let segments = prefix.split(separator: "/", omittingEmptySubsequences: false)
        return segments.count > 1 && segments[0].isEmpty && segments.dropFirst().allSatisfy { segment in
            !segment.isEmpty && segment.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_.~".unicodeScalars.contains($0)) }
        }
    }

    /// An application serving these routes at `host`:`port`.
    public func application(host: String, port: Int, logger: Logger) -> some ApplicationProtocol {
        let router = Router(context: BasicConveyorRequestContext.self)
        // Here every path is Conveyor's: a request no route takes gets the API's 404 or 405 too.
        router.add(middleware: APIErrorMiddleware(prefix: ""))
        addRoutes(to: router.group(), prefix: "")
        return Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "conveyor"), logger: logger)
    }
}
