import Foundation
import Logging
public import ServiceLifecycle
import Synchronization

/// The job system: register workers, enqueue jobs, and run queues.
///
/// A `Conveyor` is a swift-service-lifecycle `Service`: add it to a `ServiceGroup` (or call
/// ``run()``) to run the configured queues on this node. A process that only enqueues never
/// runs it.
///
/// ```swift
/// let conveyor = try await Conveyor(store: .sqlite(path: "conveyor.sqlite"),
///                                   queues: ["crm": 5, "default": 10])
/// conveyor.register(SyncContact(crm: client))
/// try await conveyor.enqueue(SyncContact.self, args: .init(contactID: id), in: .seconds(300))
/// try await ServiceGroup(services: [conveyor], gracefulShutdownSignals: [.sigterm], logger: logger).run()
/// ```
public final class Conveyor: Service, Sendable {
    /// Where jobs are stored.
    package let store: any JobStore
    /// How this node runs.
    public let configuration: ConveyorConfiguration

    let workers = Mutex<[String: AnyWorker]>([:])
    let eventBus: EventBus<JobEvent>
    let running = RunningJobs()
    let acks = AckBuffer()
    let wakes: [String: WakeSignal]
    /// Worker processes waiting for jobs (``lease(worker:queues:kinds:limit:wait:)``).
    let leaseWaiters = LeaseWaiters()
    let metrics = JobMetrics()
    /// The store, when it carries events to other nodes and the configuration allows it.
    let eventSharing: (any JobEventSharing)?
    private let started = Atomic<Bool>(false)
    private let stopping = Atomic<Bool>(false)
    /// Whether ``ConveyorConfiguration/schedules`` are stored (once per instance, at start).
    let schedulesDeclared = Atomic<Bool>(false)
    /// The schedules of registered row loops, declared with the configured ones.
    let rowLoopSchedules = Mutex<[ScheduleDefinition]>([])
    let rescueWatch: Mutex<RescueWatch>
    /// Nil when ``ConveyorConfiguration/longTransactionWarning`` is off.
    let longTransactions: Mutex<LongTransactionWatch?>
    /// The configured ``ConveyorConfiguration/timerClock``.
    let timers: TimerClock
    /// The timeouts of the jobs the producers run; its loop is part of ``run()``.
    let jobDeadlines: DeadlineWatch
    let tracing: JobTracing

    /// Creates a runtime on `store`, migrating its schema unless configured otherwise. The
    /// store targets wrap it in public initializers that take their own store type.
    ///
    /// - Throws: ``ConveyorError`` for an invalid configuration, or the store's error if the
    ///   schema cannot be brought up to date.
    package init(storingIn store: some JobStore, configuration: ConveyorConfiguration = ConveyorConfiguration()) async throws {
        try configuration.validate()
        self.store = store
        self.configuration = configuration
        self.wakes = configuration.queues.mapValues { _ in WakeSignal() }
        self.eventSharing = configuration.shareEvents ? store.eventSharing : nil
        // Receiving is always on: with subscribers here, ask the other nodes for their events.
        let carrier = store.eventSharing
        self.eventBus = EventBus(onSubscribersChanged: { carrier?.wantEvents($0) })
        self.rescueWatch = Mutex(RescueWatch(startedAt: configuration.clock.now()))
        self.longTransactions = Mutex(configuration.longTransactionWarning.map(LongTransactionWatch.init(warnAfter:)))
        self.timers = TimerClock(configuration.timerClock)
        self.jobDeadlines = DeadlineWatch(timers: timers)
        self.tracing = JobTracing(configuration.tracer)
        if configuration.migrateOnStart { try await store.migrate() }
    }

    /// The node name this runtime claims jobs under.
    public var node: String { configuration.node }

    var clock: any JobClock { configuration.clock }
    var logger: Logger { configuration.logger }

    /// Registers `worker` for its kind, replacing an earlier one of the same kind.
    public func register<W: JobWorker>(_ worker: W) {
        workers.withLock { $0[W.kind] = AnyWorker(worker) }
    }

    /// The kinds of the registered workers.
    public var registeredKinds: [String] { workers.withLock { $0.keys.sorted() } }

    /// Every job event from now on: inserts, starts, progress, outcomes; from this process and,
    /// on a store that shares events (PostgreSQL), from every other node too, once they have
    /// heard that this node has a subscriber (milliseconds; they send nothing while nobody
    /// watches). A reader that falls far behind loses the oldest events rather than slowing the jobs.
    ///
    /// A job's events come from the call that enqueued it and from the node that runs it, so a
    /// job that starts the moment it is stored can show its `inserted` after its `started`;
    /// events of different nodes are not ordered with each other. Each event's `at` says when
    /// it happened, and the stored job (``job(id:)``) is the truth about its state.
    public func events() -> AsyncStream<JobEvent> { eventBus.subscribe() }

    /// Whether anyone, here or on another node, wants events: building them costs a little.
    var wantsEvents: Bool { eventBus.hasSubscribers || eventSharing?.othersWantEvents == true }

    /// Publishes events that happened here, to local subscribers and to the other nodes.
    func emit(_ events: [JobEvent], from node: String? = nil) {
        guard !events.isEmpty else { return }
        var events = events
        for index in events.indices { events[index].node = node ?? self.node }
        eventBus.publish(events)
        eventSharing?.share(events)
    }

    func emit(_ event: JobEvent) { emit([event]) }

    var isStopping: Bool { stopping.load(ordering: .relaxed) }

    /// Stops claiming; running jobs get the grace period. `run()` returns when all is stored.
    /// Called before `run()`, it makes `run()` return at once.
    public func beginShutdown() {
        stopping.store(true, ordering: .relaxed)
        wakeAll()
    }

    /// Runs the configured queues, heartbeats and (if this node leads) maintenance until a
    /// graceful shutdown or cancellation; then lets running jobs finish within the grace
    /// period, puts the rest back and stores every outcome before returning.
    ///
    /// - Throws: ``ConveyorError`` with code `conflict` if it is already running.
    public func run() async throws {
        guard started.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged else {
            throw ConveyorError(.conflict, "this Conveyor has already run; create a new one")
        }
        try await store.heartbeat(nodeRecord(startedAt: clock.now()))
        try await declareRegisteredKinds()
        logger.info("conveyor node started", metadata: [
            "node": "\(node)", "queues": "\(configuration.queues.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })",
        ])
        await withGracefulShutdownHandler {
            await runUntilStopped()
        } onGracefulShutdown: {
            self.beginShutdown()
        }
        if configuration.runsMaintenance { try? await store.resignLeadership(node: node) }
        try? await store.removeNode(name: node)
        logger.info("conveyor node stopped", metadata: ["node": "\(node)"])
    }

    private func runUntilStopped() async {
        let startedAt = clock.now()
        await withTaskGroup(of: Void.self) { background in
            background.addTask { await self.heartbeatLoop(startedAt: startedAt) }
            background.addTask { await self.jobDeadlines.run() }
            if configuration.runsMaintenance { background.addTask { await self.maintenanceLoop() } }
            if configuration.runsScheduler { background.addTask { await self.schedulerLoop() } }
            background.addTask { await self.listen(to: self.store) }
            if let carrier = store.eventSharing {
                let clock = self.clock
                background.addTask { await carrier.carryEvents(now: { clock.now() }) }
            }
            await withTaskGroup(of: Void.self) { work in
                work.addTask { await self.flushAcks() }
                await withDiscardingTaskGroup { producers in
                    for (queue, limit) in configuration.queues {
                        let producer = QueueProducer(queue: queue, limit: limit, conveyor: self)
                        producers.addTask { await producer.run() }
                    }
                }
                acks.finish()
                await work.waitForAll()
            }
            background.cancelAll()
        }
    }

    func nodeRecord(startedAt: Date) -> NodeRecord {
        NodeRecord(name: node, queues: configuration.queues.keys.sorted(), kinds: registeredKinds, startedAt: startedAt,
                   heartbeatAt: clock.now(), running: running.count, slots: configuration.queues.values.reduce(0, +))
    }

    func wake(queue: String) {
        wakes[queue]?.signal()
        leaseWaiters.wake(queue: queue)
    }

    func wakeAll() {
        for wake in wakes.values { wake.signal() }
        leaseWaiters.wake(queue: nil)
    }
}
