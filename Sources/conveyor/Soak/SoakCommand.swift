import ArgumentParser
import Conveyor
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

struct SoakCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "soak",
        abstract: "Run a steady load until SIGTERM, printing one JSON line per metric every few seconds.",
        discussion: """
            Enqueues no-op jobs (each sleeping --job-work-ms) at a fixed rate, credited on real elapsed time, in \
            calls of at most --producer-batch-max jobs, and runs them with --worker-count at once. First prints one \
            JSON line describing the run; then, every --sample-every-s seconds on the wall clock's multiples, one line \
            per metric: pickup_ms (p50, p95, p99 over the last 30 s), enqueue_rate, completion_rate, queue_depth and process (resident memory, CPU seconds). \
            Logs go to standard error. Each flag falls back to an environment variable: DATABASE_URL, PRODUCER_RATE, \
            PRODUCER_BATCH_MAX, WORKER_COUNT, JOB_WORK_MS, JOB_PAYLOAD_BYTES, SAMPLE_EVERY_S.
            """)

    @Option(help: "Database URL (else $DATABASE_URL, $CONVEYOR_DATABASE_URL, sqlite:conveyor-soak.sqlite).")
    var database: String?

    @Option(name: .customLong("producer-rate"), help: "Jobs enqueued per second (else $PRODUCER_RATE, 100).")
    var producerRate: Double?

    @Option(name: .customLong("producer-batch-max"), help: "The most jobs per enqueue call (else $PRODUCER_BATCH_MAX, 100).")
    var producerBatchMax: Int?

    @Option(name: .customLong("worker-count"), help: "Jobs run at once (else $WORKER_COUNT, 10).")
    var workerCount: Int?

    @Option(name: .customLong("job-work-ms"), help: "How long each job works, in milliseconds (else $JOB_WORK_MS, 0).")
    var jobWorkMilliseconds: Int?

    @Option(name: .customLong("job-payload-bytes"), help: "Bytes of payload in each job's args (else $JOB_PAYLOAD_BYTES, 0).")
    var jobPayloadBytes: Int?

    @Option(name: .customLong("sample-every-s"), help: "Seconds between reports (else $SAMPLE_EVERY_S, 10).")
    var sampleEverySeconds: Int?

    func run() async throws {
        let settings = try SoakSettings(self, environment: ProcessInfo.processInfo.environment)
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .warning
            return handler
        }
        let logger = Logger(label: "conveyor.soak")
        let database = try DatabaseURL(parsing: settings.database)
        try await database.withStore { store in
            var configuration = ConveyorConfiguration(queues: [SoakWorker.queue: settings.workerCount], logger: logger)
            // SIGTERM must end the run within 5 s: jobs get 2 s to finish, then are put back.
            configuration.shutdownGracePeriod = .seconds(2)
            let conveyor = try await Conveyor(storingIn: store, configuration: configuration)
            let stats = SoakStats()
            conveyor.register(SoakWorker(workTime: .milliseconds(settings.jobWorkMilliseconds), stats: stats))
            SoakOutput.line([
                "ts": Date().formatted(.iso8601), "event": "start", "system": "conveyor", "version": ConveyorVersion.current,
                "store": database.kindName, "tables": database.tableNames, "queue": SoakWorker.queue, "kind": SoakWorker.kind,
                "producer_rate": settings.producerRate, "producer_batch_max": settings.producerBatchMax, "worker_count": settings.workerCount,
                "job_work_ms": settings.jobWorkMilliseconds, "job_payload_bytes": settings.jobPayloadBytes,
                "sample_every_s": settings.sampleEverySeconds, "pickup_window_s": SoakStats.windowSeconds,
            ])
            let load = SoakLoad(conveyor: conveyor, settings: settings, stats: stats, logger: logger)
            let group = ServiceGroup(configuration: ServiceGroupConfiguration(
                services: [.init(service: conveyor), .init(service: load)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
        }
    }
}
