import Conveyor
import ConveyorServer
import ExampleKit
import Hummingbird
import Logging
import ServiceLifecycle
import UnixSignals

/// What a demo is given.
struct DemoSetting: Sendable {
    let store: ExampleStore
    let db: any AppDatabase
    let environment: [String: String]
    let port: Int
    let logger: Logger

    /// `variable`'s value, or the base URL of `standIn` served while `body` runs.
    func service<T: Sendable>(_ variable: String, standIn: @autoclosure () -> Router<BasicRequestContext>, _ body: (String) async throws -> T) async throws -> T {
        if let url = environment[variable] { return try await body(url) }
        return try await StandIn.serve(standIn()) { url in
            logger.info("\(variable) not set: a local stand-in answers at \(url)")
            return try await body(url)
        }
    }

    /// Runs the node, the dashboard (unless `dashboard` is false) and `others` until SIGINT or
    /// SIGTERM, then stops gracefully: running jobs finish first.
    func serve(_ conveyor: Conveyor, dashboard: Bool = true, others: [any Service] = []) async throws {
        var services: [any Service] = [conveyor] + others
        if dashboard {
            let server = ConveyorServer(conveyor: conveyor, keys: try APIKeys(parsing: []))
            services.append(server.application(host: "127.0.0.1", port: port, logger: logger))
            logger.info("dashboard at http://127.0.0.1:\(port)/ (Ctrl-C stops)")
        }
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: services.map { .init(service: $0) }, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

/// One seed system, ready to run.
struct Demo: Sendable {
    let run: @Sendable (DemoSetting) async throws -> Void
}
