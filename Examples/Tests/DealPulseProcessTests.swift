import Conveyor
import DealPulse
import ExampleKit
import Foundation
import Testing

/// Seed 003's deployment: `docker compose up --scale worker=3` on one database, and a worker
/// stopped with SIGTERM completing its current jobs before it exits.
@Suite("Example: DealPulse worker processes on PostgreSQL (seed 003)")
struct DealPulseProcessTests {
    static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("conveyor-examples")
    }

    func startWorker(_ name: String, database: String, claudeURL: String, log: URL) throws -> Process {
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = ["dealpulse-worker", "--database", database, "--node", name]
        process.environment = ProcessInfo.processInfo.environment.merging([
            "ANTHROPIC_BASE_URL": claudeURL, "ANTHROPIC_API_KEY": "test-key", "GOOGLE_DRIVE_BASE_URL": "http://127.0.0.1:9",
        ]) { $1 }
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    @Test(.enabled(if: Backend.postgresURL != nil, "needs the PostgreSQL scripts/test.sh starts"))
    func threeWorkerProcessesShareTheQueuesAndOneStoppedWithSIGTERMFinishesItsJobsFirst() async throws {
        let claude = AnthropicStandIn(latency: .milliseconds(100))
        let database = Backend.postgres.freshURL()
        let folder = FileManager.default.temporaryDirectory.appending(path: "dealpulse-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try await StandIn.serve(claude.router) { claudeURL in
            try await ExampleDatabase.open(database, logger: quietLogger) { store, db in
                try await DealTables.create(in: db)
                let emails = 600
                for chunk in stride(from: 0, to: emails, by: 100) {
                    let values = (chunk..<chunk + 100).map { "('e\($0)', 'deal-1', 'Please see the attached draft \($0).')" }.joined(separator: ", ")
                    try await db.execute("INSERT INTO \(db.table("emails")) (id, deal_id, body) VALUES \(values)")
                }
                var configuration = ConveyorConfiguration(queues: [:])
                configuration.logger = quietLogger
                let app = try await store.node(configuration)
                let workers = try (1...3).map { try startWorker("worker-\($0)", database: database, claudeURL: claudeURL, log: folder.appending(path: "worker-\($0).log")) }
                defer { for worker in workers where worker.isRunning { worker.terminate() } }
                try await eventually(timeout: .seconds(60)) { Set(try await app.nodes().map(\.name)).isSuperset(of: ["worker-1", "worker-2", "worker-3"]) }

                _ = try await app.enqueueAll(EmailProcessingJob.self, args: (0..<emails).map { .init(emailId: "e\($0)", dealId: "deal-1", operation: .analyzeSentiment) })
                let completed = JobFilter(states: [.completed], queues: ["email-processing"])
                try await eventually(timeout: .seconds(60)) { try await app.countJobs(matching: completed) >= 60 }

                // SIGTERM: worker-1 stops taking jobs, finishes the ones it runs, then exits 0.
                let running = try await app.jobs(matching: JobFilter(states: [.executing], limit: 1_000)).filter { $0.attemptedBy == "worker-1" }
                #expect(!running.isEmpty, "worker-1 is stopped while it runs jobs")
                workers[0].terminate()
                try await eventually(timeout: .seconds(30)) { !workers[0].isRunning }
                #expect(workers[0].terminationReason == .exit && workers[0].terminationStatus == 0)
                let left = try await app.jobs(matching: JobFilter(states: [.executing], limit: 1_000)).filter { $0.attemptedBy == "worker-1" }
                #expect(left.isEmpty, "worker-1 exited with jobs still running: \(left.map(\.id))")
                for job in running { #expect(try await app.job(id: job.id).state == .completed, "job \(job.id) worker-1 was running") }

                try await eventually(timeout: .seconds(60)) { try await app.countJobs(matching: completed) == emails }
                #expect(try await db.count("SELECT COUNT(*) FROM \(db.table("emails")) WHERE runs = 1 AND sentiment = 'positive'") == emails,
                        "each email analysed exactly once")
                let done = try await app.jobs(matching: JobFilter(states: [.completed], queues: ["email-processing"], limit: 1_000))
                let byWorker = Dictionary(grouping: done, by: { $0.attemptedBy ?? "" }).mapValues(\.count)
                #expect(Set(byWorker.keys) == ["worker-1", "worker-2", "worker-3"], "\(byWorker)")
                for worker in workers.dropFirst() { worker.terminate() }
                try await eventually(timeout: .seconds(30)) { workers.allSatisfy { !$0.isRunning } }
                #expect(workers.allSatisfy { $0.terminationStatus == 0 })
            }
        }
    }
}
