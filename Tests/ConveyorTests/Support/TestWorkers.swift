import Conveyor
import ConveyorTesting
import Foundation
import Synchronization
import Testing

/// Waits a day on a manual clock: only its timeout (an hour, or the enqueue's) ends it.
struct DayLongWorker: JobWorker {
    struct Args: Codable, Sendable {}
    static let kind = "test.slow"
    static let options = JobOptions(maxAttempts: 2, timeout: .seconds(3_600))
    let timers: ManualTimerClock
    func perform(_ args: Args, context: JobContext) async throws { try await timers.sleep(for: .seconds(86_400)) }
}

/// Counts how many times each job ran.
final class RunLog: Sendable {
    private let runs = Mutex<[Int64: Int]>([:])

    func record(_ id: Int64) { runs.withLock { $0[id, default: 0] += 1 } }
    var counts: [Int64: Int] { runs.withLock { $0 } }
    var total: Int { runs.withLock { $0.values.reduce(0, +) } }
}

/// Runs `body` for every job, logging the run first.
struct ScriptedWorker: JobWorker {
    struct Args: Codable, Sendable {
        var step: Int = 0
    }

    static let kind = "test.scripted"
    static let options = JobOptions(maxAttempts: 3, backoff: .exponential(base: .seconds(5), factor: 5, jitter: 0))
    let log: RunLog
    let body: @Sendable (Args, JobContext) async throws -> Void

    init(log: RunLog = RunLog(), body: @escaping @Sendable (Args, JobContext) async throws -> Void = { _, _ in }) {
        self.log = log
        self.body = body
    }

    func perform(_ args: Args, context: JobContext) async throws {
        log.record(context.job.id)
        try await body(args, context)
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
}

/// A runtime on `store` (by default a fresh SQLite store) polling every 50 ms.
func makeConveyor(
    queues: [String: Int] = ["default": 5], clock: any JobClock = SystemClock(), store: (any JobStore)? = nil,
    configure: (inout ConveyorConfiguration) -> Void = { _ in }
) async throws -> Conveyor {
    var configuration = ConveyorConfiguration(queues: queues, pollInterval: .milliseconds(50), clock: clock)
    configure(&configuration)
    let chosen: any JobStore
    if let store { chosen = store } else { chosen = try await StoreKind.sqlite.make() }
    return try await Conveyor(storingIn: chosen, configuration: configuration)
}

/// Waits (without a fixed sleep) until `condition` holds, checking on each event and every 20 ms.
/// A timeout names the caller's line: a test often waits several times.
func eventually(
    timeout: Duration = .seconds(20), sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: @Sendable () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while try await !condition() {
        guard ContinuousClock.now < deadline else {
            throw TestFailure(description: "condition at \(sourceLocation) not met within \(timeout)")
        }
        try await Task.sleep(for: .milliseconds(20))
    }
}
