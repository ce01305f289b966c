import ArgumentParser
import Conveyor
import Foundation
import Logging
import Synchronization

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure enqueue, processing throughput and pickup latency of no-op jobs.",
        discussion: """
            Phases: enqueue N jobs one by one (or --single-jobs); enqueue N in bulk; process them all with the \
            given concurrency; \
            then enqueue jobs one at a time on the idle queue and time enqueue-to-start. \
            Without --database it uses a fresh SQLite file in a temporary folder and deletes it afterwards.
            """)

    @Option(help: "Database URL (default: a fresh temporary SQLite file).")
    var database: String?

    @Option(help: "Jobs per enqueue phase.")
    var jobs = 10_000

    @Option(name: .customLong("single-jobs"), help: "Jobs enqueued one by one (default: --jobs; 0 skips that phase).")
    var singleJobs: Int?

    private var singleCount: Int { singleJobs ?? jobs }
    /// Every job the bench enqueues and then processes.
    private var totalJobs: Int { singleCount + jobs }

    @Option(help: "Jobs run at once while processing.")
    var concurrency = 100

    // Two, as the pgbench comparators run two clients: one caller measures a round trip's
    // latency more than what the store can take in.
    @Option(name: .customLong("bulk-callers"), help: "Callers enqueueing batches at once in the bulk phase.")
    var bulkCallers = 2

    @Option(name: .customLong("bulk-size"), help: "Jobs per enqueue call in the bulk phase.")
    var bulkSize = 1_000

    @Option(name: .customLong("latency-samples"), help: "Jobs timed one at a time for pickup latency.")
    var latencySamples = 200

    @Flag(help: """
        Measure with another node watching live events (PostgreSQL), as a dashboard or API stream \
        does: every job event is then sent to it. Without, nobody watches and events stay local.
        """)
    var watched = false

    @Flag(name: .customLong("unique-bulk"), help: "Make the bulk phase's jobs unique by args, as a batch of deduplicated jobs is.")
    var uniqueBulk = false

    @Option(name: .customLong("row-loop-rows"), help: "Also run a row loop with a no-op function over this many rows (0: skip).")
    var rowLoopRows = 0

    @Option(name: .customLong("row-loop-batch"), help: "Rows per row loop pass.")
    var rowLoopBatch = 1_000

    @Flag(help: "Print one JSON object.")
    var json = false

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        guard singleJobs.map({ $0 >= 0 }) ?? true else { throw ValidationError("--single-jobs must be at least 0") }
        guard (1...10_000).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 10000") }
        guard latencySamples >= 1 else { throw ValidationError("--latency-samples must be at least 1") }
        guard (1...64).contains(bulkCallers) else { throw ValidationError("--bulk-callers must be between 1 and 64") }
        guard (1...100_000).contains(bulkSize) else { throw ValidationError("--bulk-size must be between 1 and 100000") }
        guard rowLoopRows >= 0 else { throw ValidationError("--row-loop-rows must be at least 0") }
        guard (1...10_000).contains(rowLoopBatch) else { throw ValidationError("--row-loop-batch must be between 1 and 10000") }
        if watched, case .sqlite = try DatabaseURL(parsing: database ?? "sqlite:x") {
            throw ValidationError("--watched needs a PostgreSQL --database: events stay in the process on SQLite")
        }
    }

    func run() async throws {
        let temporary = database == nil ? FileManager.default.temporaryDirectory.appendingPathComponent("conveyor-bench-\(UUID().uuidString)") : nil
        if let temporary { try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true) }
        defer { if let temporary { try? FileManager.default.removeItem(at: temporary) } }
        let url = database ?? "sqlite:\(temporary!.appendingPathComponent("bench.sqlite").path)"
        let (measured, watcherEvents) = try await BenchWatcher.run(url: url, enabled: watched) {
            try await DatabaseURL(parsing: url).withStore { store in try await measure(on: store) }
        }
        let total = totalJobs
        let latencies = measured.latencies
        let result = BenchResult(
            database: database == nil ? "sqlite (temporary file)" : url, jobs: jobs, concurrency: concurrency,
            enqueueSinglePerS: measured.single, enqueueSingleCpuUsPerJob: measured.singleCPUPerJob, enqueueBulkPerS: measured.bulk, enqueueBulkCpuUsPerJob: measured.bulkCPUPerJob,
            bulkCallers: bulkCallers, bulkSize: bulkSize, bulkUnique: uniqueBulk,
            processPerS: Double(total) / measured.processSeconds, processCpuUsPerJob: measured.processCPUPerJob,
            pickupP50Ms: Self.percentile(latencies, 0.50), pickupP99Ms: Self.percentile(latencies, 0.99), watcherEvents: watcherEvents,
            rowLoopRows: rowLoopRows > 0 ? rowLoopRows : nil, rowLoopBatch: rowLoopRows > 0 ? rowLoopBatch : nil,
            rowLoopRowsPerS: measured.rowLoop?.perSecond, rowLoopCpuUsPerRow: measured.rowLoop?.cpuPerRow)
        if json {
            try Output.json(result)
        } else {
            if let single = result.enqueueSinglePerS, let cpu = result.enqueueSingleCpuUsPerJob {
                print(String(format: "enqueue single   %10.0f jobs/s  (one per call, %.0f µs CPU per job)", single, cpu))
            } else {
                print("enqueue single      skipped")
            }
            print(String(format: "enqueue bulk     %10.0f jobs/s", result.enqueueBulkPerS)
                  + "  (\(bulkSize) per call, \(bulkCallers) caller\(bulkCallers == 1 ? "" : "s")\(uniqueBulk ? ", unique" : "")"
                  + String(format: ", %.1f µs CPU per job)", result.enqueueBulkCpuUsPerJob))
            print(String(format: "process          %10.0f jobs/s  (%d jobs, concurrency %d, %.0f µs CPU per job)",
                         result.processPerS, total, concurrency, result.processCpuUsPerJob))
            print(String(format: "pickup latency   p50 %.2f ms, p99 %.2f ms (%d samples)", result.pickupP50Ms, result.pickupP99Ms, latencies.count))
            if let watcherEvents { print("watched          another node received \(watcherEvents) job events") }
            if let rowLoop = measured.rowLoop {
                print(String(format: "row loop         %10.0f rows/s  (%d rows, %d per pass, %.1f µs CPU per row)",
                             rowLoop.perSecond, rowLoopRows, rowLoopBatch, rowLoop.cpuPerRow))
            }
        }
    }

    /// What the four phases measured.
    struct Measured {
        /// Jobs per second enqueued one by one; nil when `--single-jobs 0` skipped the phase.
        let single: Double?
        /// The node's CPU time (all threads) per job enqueued one by one, in microseconds.
        let singleCPUPerJob: Double?
        let bulk: Double
        /// The node's CPU time (all threads) per job while enqueueing in bulk, in microseconds.
        let bulkCPUPerJob: Double
        let processSeconds: Double
        let processCPUPerJob: Double
        /// Pickup latencies in milliseconds, sorted.
        let latencies: [Double]
        /// With `--row-loop-rows`.
        var rowLoop: RowLoopBench.Measured?
    }

    /// The four phases on `store`.
    private func measure(on store: any JobStore) async throws -> Measured {
        var logger = Logger(label: "conveyor.bench")
        logger.logLevel = .warning
        let queue = "bench-\(UInt32.random(in: 0 ... .max))"
        let configuration = ConveyorConfiguration(queues: [queue: concurrency], pollInterval: .milliseconds(100),
                                                  retention: Retention(completed: nil, failed: nil), logger: logger)
        let conveyor = try await Conveyor(storingIn: store, configuration: configuration)
        if watched { try await BenchWatcher.waitUntilHeard(by: store) }
        let latency = LatencyProbe()
        let executed = ExecutionCounter()
        conveyor.register(CountingNoopWorker(counter: executed))
        conveyor.register(BenchLatencyWorker(probe: latency))
        let options = EnqueueOptions(queue: queue)

        let singles = singleCount
        var bar = ProgressBar(label: "enqueue (single)", total: singles)
        var started = ContinuousClock.now
        let singleCPUBefore = ProcessUsage.cpuSeconds()
        for index in 0..<singles {
            try await conveyor.enqueue(kind: NoopWorker.kind, args: .object(["n": .number(Double(index))]), options: options)
            if index % 100 == 0 { bar.update(index) }
        }
        bar.update(singles)
        bar.finish()
        let single = singles == 0 ? nil : Double(singles) / (ContinuousClock.now - started).seconds
        let singleCPUPerJob = singles == 0 ? nil : Self.cpuMicroseconds(since: singleCPUBefore, perJobOf: singles)

        bar = ProgressBar(label: "enqueue (bulk)", total: jobs)
        started = ContinuousClock.now
        let bulkCPUBefore = ProcessUsage.cpuSeconds()
        // Batches from `bulkCallers` callers at once, each taking the next batch.
        let batches = stride(from: 0, to: jobs, by: bulkSize).map { $0..<min($0 + bulkSize, jobs) }
        let nextBatch = ExecutionCounter()
        try await withThrowingTaskGroup(of: Void.self) { callers in
            for _ in 0..<bulkCallers {
                callers.addTask {
                    while case let index = nextBatch.increment(), index < batches.count {
                        try await conveyor.enqueue(batches[index].map {
                            JobInsert(kind: NoopWorker.kind, queue: queue, args: RawJSON(.object(["n": .number(Double($0))])),
                                      unique: uniqueBulk ? UniqueOptions() : nil)
                        })
                    }
                }
            }
            try await callers.waitForAll()
        }
        bar.update(jobs)
        bar.finish()
        let bulk = Double(jobs) / (ContinuousClock.now - started).seconds
        let bulkCPUPerJob = Self.cpuMicroseconds(since: bulkCPUBefore, perJobOf: jobs)

        let total = totalJobs
        let (processSeconds, cpuPerJob, latencies) = try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await conveyor.run() }
            started = ContinuousClock.now
            let cpuBefore = ProcessUsage.cpuSeconds()
            let processSeconds = try await withThrowingTaskGroup(of: Void.self) { progress in
                progress.addTask {
                    var bar = ProgressBar(label: "process", total: total)
                    while !Task.isCancelled {
                        bar.update(executed.value)
                        try? await Task.sleep(for: .milliseconds(100))
                    }
                    bar.update(total)
                    bar.finish()
                }
                defer { progress.cancelAll() }
                // Count runs without subscribing to events (a subscriber costs a wake-up per job),
                // and without polling (every 2 ms was 500 wake-ups a second on the node being
                // measured); then wait until every outcome is stored. That wait asks only for this
                // node's executing jobs: counting the whole table, which grows with every run, once
                // stalled the outcome writes it was waiting for.
                await executed.wait(until: total)
                while try await !store.executingAttempts(node: conveyor.node).isEmpty {
                    try await Task.sleep(for: .milliseconds(2))
                }
                return (ContinuousClock.now - started).seconds
            }
            let cpuPerJob = Self.cpuMicroseconds(since: cpuBefore, perJobOf: total)

            var latencyBar = ProgressBar(label: "pickup latency", total: latencySamples)
            var latencies: [Double] = []
            for sample in 0..<latencySamples {
                let starts = latency.expect()
                let enqueuedAt = ContinuousClock.now
                try await conveyor.enqueue(BenchLatencyWorker.self, args: .init(sample: sample), options: options)
                for await startedAt in starts {
                    latencies.append((startedAt - enqueuedAt).seconds * 1_000)
                }
                latencyBar.update(sample + 1)
            }
            latencyBar.finish()
            conveyor.beginShutdown()
            try await group.waitForAll()
            return (processSeconds, cpuPerJob, latencies.sorted())
        }
        var measured = Measured(single: single, singleCPUPerJob: singleCPUPerJob, bulk: bulk, bulkCPUPerJob: bulkCPUPerJob, processSeconds: processSeconds,
                                processCPUPerJob: cpuPerJob, latencies: latencies)
        if rowLoopRows > 0 { measured.rowLoop = try await RowLoopBench(rows: rowLoopRows, batchSize: rowLoopBatch).measure(on: store, logger: logger) }
        return measured
    }

    /// The process's CPU time since `start` (a ``ProcessUsage/cpuSeconds()`` reading), per job, in microseconds.
    static func cpuMicroseconds(since start: Double, perJobOf jobs: Int) -> Double {
        (ProcessUsage.cpuSeconds() - start) / Double(jobs) * 1e6
    }

    static func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * fraction).rounded()))]
    }
}

struct BenchResult: Encodable {
    let database: String
    let jobs: Int
    let concurrency: Int
    /// Nil when `--single-jobs 0` skipped the phase.
    let enqueueSinglePerS: Double?
    /// CPU time of the whole process (all threads) per job enqueued one by one, in
    /// microseconds; nil when the phase was skipped.
    let enqueueSingleCpuUsPerJob: Double?
    let enqueueBulkPerS: Double
    /// CPU time of the whole process (all threads) per job enqueued in bulk, in microseconds:
    /// the node's share of the bulk phase; the database's is not counted.
    let enqueueBulkCpuUsPerJob: Double
    let bulkCallers: Int
    let bulkSize: Int
    /// With `--unique-bulk`: the bulk phase's jobs were unique by args.
    let bulkUnique: Bool
    let processPerS: Double
    /// CPU time of the whole process (all threads) per processed job, in microseconds.
    let processCpuUsPerJob: Double
    let pickupP50Ms: Double
    let pickupP99Ms: Double
    /// With `--watched`: the job events the watching node received.
    let watcherEvents: Int?
    /// With `--row-loop-rows`: rows, rows per pass, rows per second and CPU per row (µs).
    let rowLoopRows: Int?
    let rowLoopBatch: Int?
    let rowLoopRowsPerS: Double?
    let rowLoopCpuUsPerRow: Double?
}

/// Hands the start time of the next latency job to the bench loop.
final class LatencyProbe: Sendable {
    private let pending = Mutex<AsyncStream<ContinuousClock.Instant>.Continuation?>(nil)

    /// Arms the probe: the stream yields the start time of the next latency job, then ends.
    func expect() -> AsyncStream<ContinuousClock.Instant> {
        let (stream, continuation) = AsyncStream.makeStream(of: ContinuousClock.Instant.self)
        pending.withLock { $0 = continuation }
        return stream
    }

    func started() {
        let now = ContinuousClock.now
        let continuation = pending.withLock { value in defer { value = nil }; return value }
        continuation?.yield(now)
        continuation?.finish()
    }
}

/// The built-in no-op, counting its runs so the bench knows when all have run.
struct CountingNoopWorker: JobWorker {
    typealias Args = NoopWorker.Args
    static let kind = NoopWorker.kind
    let counter: ExecutionCounter

    func perform(_ args: Args, context: JobContext) async throws { counter.increment() }
}

final class ExecutionCounter: Sendable {
    private let count = Atomic<Int>(0)
    /// The count `waiter` waits for (`Int.max` while nobody waits).
    private let target = Atomic<Int>(.max)
    private let waiter = Mutex<CheckedContinuation<Void, Never>?>(nil)

    var value: Int { count.load(ordering: .relaxed) }

    /// Adds one and answers the count before.
    @discardableResult
    func increment() -> Int {
        let (old, new) = count.add(1, ordering: .sequentiallyConsistent)
        if new == target.load(ordering: .sequentiallyConsistent) { waiter.withLock { $0.take() }?.resume() }
        return old
    }

    /// Returns once the count reaches `goal`. One waiter at a time.
    func wait(until goal: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let reached = waiter.withLock { waiter -> Bool in
                target.store(goal, ordering: .sequentiallyConsistent)
                guard count.load(ordering: .sequentiallyConsistent) < goal else { return true }
                waiter = continuation
                return false
            }
            if reached { continuation.resume() }
        }
    }
}

struct BenchLatencyWorker: JobWorker {
    struct Args: Codable, Sendable { let sample: Int }
    static let kind = "bench.latency"
    let probe: LatencyProbe

    func perform(_ args: Args, context: JobContext) async throws { probe.started() }
}

extension Duration {
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
