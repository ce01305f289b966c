public import Conveyor
public import ConveyorServer
public import Vapor

extension Application {
    /// Conveyor in this application: ``ConveyorIntegration/use(_:)`` runs a node while the
    /// application runs, ``ConveyorIntegration/mount(_:at:)`` serves its API and dashboard.
    public var conveyor: ConveyorIntegration { ConveyorIntegration(application: self) }
}

extension Request {
    /// The node given to `app.conveyor.use(_:)`, to enqueue from a route.
    public var conveyor: Conveyor { application.conveyor.runtime }
}

/// Conveyor's place in a Vapor application.
///
/// ```swift
/// let conveyor = try await Conveyor(store: SQLiteJobStore(path: "jobs.sqlite"), queues: ["default": 10])
/// conveyor.register(WelcomeEmail())
/// app.conveyor.use(conveyor)
/// try app.conveyor.mount(ConveyorServer(conveyor: conveyor, keys: keys), at: "/ops/jobs")
/// app.post("signup") { req in
///     try await req.conveyor.enqueue(WelcomeEmail.self, args: .init(email: "ada@example.com"))
///     return HTTPStatus.created
/// }
/// ```
public struct ConveyorIntegration: Sendable {
    let application: Application

    private struct Key: StorageKey {
        typealias Value = Conveyor
    }

    /// The node given to ``use(_:)``.
    ///
    /// - Precondition: ``use(_:)`` was called.
    public var runtime: Conveyor {
        guard let conveyor = application.storage[Key.self] else {
            fatalError("app.conveyor.use(_:) was not called: give the application its Conveyor in configure(_:)")
        }
        return conveyor
    }

    /// Runs `conveyor` (its queues, scheduler and maintenance) from the application's boot to
    /// its shutdown, which lets running jobs finish within the configured grace period.
    public func use(_ conveyor: Conveyor) {
        application.storage[Key.self] = conveyor
        application.lifecycle.use(ConveyorLifecycle(conveyor: conveyor))
    }

    /// Serves `server`'s routes (the API, events, dashboard, health, metrics) under `prefix`
    /// (`"/ops/jobs"`, or `""` for the root), leaving the application's other routes alone.
    ///
    /// - Precondition: `prefix` is empty or a path such as `/ops/jobs` (see
    ///   `ConveyorServer.addRoutes(to:at:)`).
    public func mount(_ server: ConveyorServer, at prefix: String) {
        let bridge = HummingbirdBridge(server: server, prefix: prefix)
        let base = prefix.split(separator: "/").map { PathComponent.constant(String($0)) }
        for method in [HTTPMethod.GET, .HEAD, .POST, .PUT, .DELETE, .PATCH] {
            for path in [base, base + [.catchall]] where !path.isEmpty {
                // Conveyor's routes read at most 1 MiB; a larger body is refused before it is read.
                application.on(method, path, body: .collect(maxSize: "2mb")) { request in try await bridge.respond(to: request) }
            }
        }
    }
}
