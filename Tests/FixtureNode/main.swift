import Conveyor
import ConveyorPostgres
import ConveyorSQLite
import Foundation
import Logging

// A node that runs Swift code `conveyor serve` cannot host, for tests that kill it with
// SIGKILL: a row loop whose function is slow, and a worker that completes with follow-ups.
// Every row and every finished attempt is written to standard output (unbuffered) first,
// so a test can tell what the process did before it died.
//
//   ConveyorFixtureNode row-loop   --database URL --node NAME --table TABLE
//   ConveyorFixtureNode follow-ups --database URL --node NAME

/// A step of a pipeline: it completes with three follow-up jobs naming it as their parent.
struct Step: JobWorker {
    struct Args: Codable, Sendable { let n: Int }
    static let kind = "fixture.step"
    static let options = JobOptions(queue: "steps", maxAttempts: 5)

    func perform(_ args: Args, context: JobContext) async throws {
        try await Task.sleep(for: .milliseconds(5))
        for leaf in 0..<3 {
            try context.followUp(JobInsert(kind: "fixture.leaf", queue: "leaves",
                                           args: RawJSON(.object(["parent": .number(Double(context.job.id)), "leaf": .number(Double(leaf))]))))
        }
        say("returned \(context.job.id) attempt \(context.job.attempt)")
    }
}

func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

func option(_ name: String) -> String? {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: "--\(name)"), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

func run(on store: some JobStore, mode: String, node: String) async throws {
    var configuration = ConveyorConfiguration(queues: mode == "row-loop" ? ["default": 2] : ["steps": 50])
    configuration.node = node
    configuration.pollInterval = .milliseconds(50)
    configuration.heartbeatInterval = .milliseconds(200)
    configuration.rescueAfter = .seconds(1)
    configuration.maintenanceInterval = .milliseconds(200)
    configuration.schedulerInterval = .milliseconds(200)
    let conveyor = try await Conveyor(storingIn: store, configuration: configuration)
    switch mode {
    case "row-loop":
        let loop = RowLoop(
            name: "contacts", table: option("table") ?? "contacts",
            columns: .init(id: "id", status: "crm_status", error: "crm_error", retryCount: "retry_count", nextRetryAt: "next_retry_at"),
            statuses: .init(queued: "Queued", processing: "Processing", complete: "Complete", error: "Error"),
            orderBy: "updated_at", batchSize: 10, every: .seconds(1))
        try await conveyor.register(loop) { id in
            say("row \(id)")
            try await Task.sleep(for: .milliseconds(50))
        }
    case "follow-ups":
        conveyor.register(Step())
    default:
        throw ConveyorError(.invalidInput, field: "mode", "'\(mode)' is not row-loop or follow-ups")
    }
    say("started \(node)")
    try await conveyor.run()
}

let mode = CommandLine.arguments.dropFirst().first ?? ""
let node = option("node") ?? "fixture"
let database = option("database") ?? ""
var logger = Logger(label: "fixture")
logger.logLevel = .warning
if database.hasPrefix("postgres://") {
    let store = try PostgresJobStore(url: database, logger: logger)
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await store.run() }
        try await run(on: store, mode: mode, node: node)
        group.cancelAll()
    }
} else {
    try await run(on: SQLiteJobStore(path: database), mode: mode, node: node)
}
