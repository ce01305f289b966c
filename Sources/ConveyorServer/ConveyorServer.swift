public import Conveyor
public import Hummingbird
public import Logging

/// Conveyor over HTTP: the JSON API under `/api/v1`, live events, the web dashboard at `/`,
/// `/metrics`, `/openapi.json`, `/health` and `/ready`.
///
/// Mount it into your own Hummingbird application with ``addRoutes(to:)``, or let
/// `conveyor serve --port` run it.
///
/// ```swift
/// let router = Router(context: ConveyorRequestContext.self)
/// ConveyorServer(conveyor: conveyor, keys: try APIKeys(parsing: ["…:admin"])).addRoutes(to: router)
/// let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 8080)))
/// ```
public struct ConveyorServer: Sendable {
    public let conveyor: Conveyor
    public let keys: APIKeys
    /// Served at `/metrics` (with a `read` key when keys are set); nil leaves it out.
    public let metrics: PrometheusMetrics?
    /// The longest a worker's fetch waits for jobs here, whatever it asks (at most
    /// ``Conveyor/maximumLeaseWait``): a proxy in front may close idle requests sooner.
    public var leaseWaitLimit: Duration = Conveyor.maximumLeaseWait

    let sessions = DashboardSessions()

    public init(conveyor: Conveyor, keys: APIKeys, metrics: PrometheusMetrics? = nil) {
        self.conveyor = conveyor
        self.keys = keys
        self.metrics = metrics
    }

    public func addRoutes(to router: Router<ConveyorRequestContext>) {
        router.add(middleware: APIErrorMiddleware())
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
        DashboardRoutes(conveyor: conveyor, keys: keys, sessions: sessions).add(to: router)
    }

    /// An application serving these routes at `host`:`port`.
    public func application(host: String, port: Int, logger: Logger) -> some ApplicationProtocol {
        let router = Router(context: ConveyorRequestContext.self)
        addRoutes(to: router)
        return Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "conveyor"), logger: logger)
    }
}
