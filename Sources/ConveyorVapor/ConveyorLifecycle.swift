import Conveyor
import Synchronization
import Vapor

/// Runs a node between the application's boot and its shutdown.
///
/// Vapor announces its lifecycle through callbacks, so the node's `run()` cannot be a child of
/// the caller's task: it runs in a task this handler owns, started at boot, and at shutdown
/// the handler asks the node to stop and awaits that task, so nothing outlives the application.
final class ConveyorLifecycle: LifecycleHandler, Sendable {
    private let conveyor: Conveyor
    private let running = Mutex<Task<Void, Never>?>(nil)

    init(conveyor: Conveyor) {
        self.conveyor = conveyor
    }

    func didBoot(_ application: Application) throws {
        let conveyor = conveyor
        let logger = application.logger
        running.withLock { task in
            guard task == nil else { return }
            task = Task {
                do {
                    try await conveyor.run()
                } catch {
                    logger.error("conveyor node stopped", metadata: ["error": "\(error)"])
                }
            }
        }
    }

    func shutdownAsync(_ application: Application) async {
        conveyor.beginShutdown()
        await running.withLock { $0 }?.value
    }

    func shutdown(_ application: Application) {
        // The blocking shutdown cannot await the node: it is only asked to stop.
        conveyor.beginShutdown()
    }
}
