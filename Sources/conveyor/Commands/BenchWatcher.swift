import Conveyor
import Foundation
import Logging

/// For `bench --watched`: a second node on the same database that subscribes to live job
/// events, as an API server streaming to a dashboard does, so the bench pays for sharing them.
enum BenchWatcher {
    /// Runs `body`, with a watching node alongside when `enabled`; answers what `body` answered
    /// and how many events the watcher received.
    static func run<T: Sendable>(url: String, enabled: Bool, _ body: () async throws -> T) async throws -> (T, Int?) {
        guard enabled else { return (try await body(), nil) }
        return try await DatabaseURL(parsing: url).withStore { store in
            // A queue of its own that stays empty: a node without queues does not run.
            var configuration = ConveyorConfiguration(queues: ["bench-watcher-\(UInt32.random(in: 0 ... .max))": 1])
            configuration.runsMaintenance = false
            configuration.runsScheduler = false
            configuration.logger.logLevel = .warning
            let watcher = try await Conveyor(storingIn: store, configuration: configuration)
            let received = ExecutionCounter()
            let events = watcher.events()
            return try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await watcher.run() }
                group.addTask {
                    for await _ in events { received.increment() }
                }
                defer {
                    watcher.beginShutdown()
                    group.cancelAll()
                }
                let answer = try await body()
                // Events still on their way when the bench ends are not waited for.
                return (answer, received.value)
            }
        }
    }

    /// Waits until the bench's own store has heard that another node wants events.
    static func waitUntilHeard(by store: any JobStore) async throws {
        guard let sharing = store.eventSharing else { return }
        let deadline = ContinuousClock.now + .seconds(10)
        while !sharing.othersWantEvents {
            guard ContinuousClock.now < deadline else {
                throw ConveyorError(.storage, "the watching node's request for events did not arrive within 10 s")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}
