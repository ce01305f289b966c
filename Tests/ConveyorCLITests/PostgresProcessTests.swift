import Conveyor
import ConveyorPostgres
import Foundation
import Testing

/// The repository's scripts folder, found from this file's path.
let scriptsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("scripts")

let testPostgresURL = ProcessInfo.processInfo.environment["CONVEYOR_TEST_POSTGRES_URL"]

/// Runs `body` with a store on a fresh schema of the server at `url`.
func withPostgresStore<T: Sendable>(url: String, _ body: (PostgresJobStore, String) async throws -> T) async throws -> T {
    let schema = "cli_\(UInt32.random(in: 0 ... .max))"
    let schemaURL = url + (url.contains("?") ? "&" : "?") + "schema=\(schema)"
    let store = try PostgresJobStore(url: schemaURL)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await store.run() }
        defer { group.cancelAll() }
        try await store.migrate()
        return try await body(store, schemaURL)
    }
}

func insertNoops(_ count: Int, into store: any JobStore) async throws {
    for chunk in stride(from: 0, to: count, by: 5_000) {
        let inserts = (chunk..<min(count, chunk + 5_000)).map { JobInsert(kind: "noop", args: RawJSON(.object(["n": .number(Double($0))]))) }
        _ = try await store.insert(inserts, now: Date())
    }
}

func allJobs(_ store: any JobStore) async throws -> [Job] {
    var jobs: [Job] = []
    var cursor: Int64?
    repeat {
        let page = try await store.jobs(matching: JobFilter(beforeID: cursor, limit: 1_000))
        jobs += page
        cursor = page.count == 1_000 ? page.last?.id : nil
    } while cursor != nil
    return jobs
}

@Suite("CLI: several processes on one PostgreSQL database", .serialized, .enabled(if: testPostgresURL != nil))
struct PostgresProcessTests {
    /// Three `conveyor serve` processes share 30,000 jobs; one is killed (SIGKILL) mid-run.
    /// Every job completes; only the killed node's unfinished jobs ran a second time.
    @Test(.timeLimit(.minutes(3)))
    func threeNodesWithOneKilledCompleteEveryJob() async throws {
        let folder = try makeFolder()
        try await withPostgresStore(url: try #require(testPostgresURL)) { store, url in
            let total = 30_000
            try await insertNoops(total, into: store)
            let serve = ["serve", "--port", "0", "--database", url, "--queue", "default=20", "--poll-interval", "100ms",
                         "--heartbeat-interval", "200ms", "--rescue-after", "1s"]
            let nodes = try ["a", "b", "c"].map { try CLIProcess.start(serve + ["--node", $0], in: folder, log: "\($0).log") }
            defer { for node in nodes where CLIProcess.exitStatus(of: node) == nil { node.terminate() } }
            try await eventually(timeout: .seconds(60)) {
                try await store.queueSummaries().first?.count(.completed) ?? 0 >= total / 3
            }
            kill(nodes[2].processIdentifier, SIGKILL)
            try await eventually(timeout: .seconds(120)) {
                try await store.queueSummaries().first?.count(.completed) == total
            }
            for node in nodes.prefix(2) { node.terminate() }
            for node in nodes.prefix(2) { #expect(try await CLIProcess.wait(node) == 0) }

            let jobs = try await allJobs(store)
            #expect(jobs.count == total)
            #expect(jobs.allSatisfy { $0.state == .completed })
            let rerun = jobs.filter { $0.attempt > 1 }
            #expect(rerun.allSatisfy { $0.errors.count == 1 && $0.errors[0].message.contains("node c stopped heartbeating") },
                    "only jobs rescued from the killed node may run twice")
            #expect(rerun.count <= 20 + 1_000, "at most the killed node's running jobs and unwritten outcomes: \(rerun.count)")
            #expect(Set(jobs.compactMap(\.attemptedBy)).isSuperset(of: ["a", "b"]))
        }
    }

    /// One batch of 10,000 one-attempt jobs over three nodes; one node is killed (SIGKILL)
    /// mid-batch. Its unfinished jobs are discarded by the rescue, each firing its hook once,
    /// and the batch ends with exactly one callback whose counts add up.
    @Test(.timeLimit(.minutes(3)))
    func aBatchOverThreeNodesWithOneKilledEndsWithOneCallback() async throws {
        let folder = try makeFolder()
        try await withPostgresStore(url: try #require(testPostgresURL)) { store, url in
            let total = 10_000
            var member = JobInsert(kind: "sleep", args: RawJSON(.object(["ms": .number(2)])), maxAttempts: 1)
            member.hooks = OutcomeHooks(discarded: OutcomeHook(kind: "noop", queue: "hooks"))
            let (batch, _) = try await store.insertBatch(Array(repeating: member, count: total),
                                                         callback: BatchCallback(kind: "noop", queue: "callbacks"), now: Date())
            let serve = ["serve", "--port", "0", "--database", url, "--queue", "default=20", "--queue", "hooks=5", "--queue", "callbacks=1",
                         "--poll-interval", "100ms", "--heartbeat-interval", "200ms", "--rescue-after", "1s"]
            let nodes = try ["a", "b", "c"].map { try CLIProcess.start(serve + ["--node", $0], in: folder, log: "\($0).log") }
            defer { for node in nodes where CLIProcess.exitStatus(of: node) == nil { node.terminate() } }
            try await eventually(timeout: .seconds(60)) { try await store.batch(id: batch.id).map { $0.completed >= total / 3 } ?? false }
            kill(nodes[2].processIdentifier, SIGKILL)
            try await eventually(timeout: .seconds(120)) {
                try await store.jobs(matching: JobFilter(states: [.completed], queues: ["callbacks"])).count == 1
            }
            let ended = try #require(try await store.batch(id: batch.id))
            let discarded = try await allJobs(store).filter { $0.queue == "default" && $0.state == .discarded }
            try await eventually(timeout: .seconds(30)) {
                try await store.jobs(matching: JobFilter(states: [.completed], queues: ["hooks"], limit: 1_000)).count == discarded.count
            }
            for node in nodes.prefix(2) { node.terminate() }
            for node in nodes.prefix(2) { #expect(try await CLIProcess.wait(node) == 0) }

            #expect(ended.total == total && ended.pending == 0 && ended.cancelled == 0)
            #expect(ended.completed + ended.discarded == total)
            #expect(ended.discarded == discarded.count && ended.discarded > 0, "the killed node had jobs running or unwritten")
            #expect(discarded.allSatisfy { $0.errors.last?.message.contains("node c stopped heartbeating") == true })
            let callbacks = try await store.jobs(matching: JobFilter(queues: ["callbacks"]))
            #expect(callbacks.count == 1)
            let outcome = try #require(callbacks.first).args.decode(BatchOutcome.self)
            #expect((outcome.total, outcome.completed, outcome.discarded) == (total, ended.completed, ended.discarded))
            let hooks = try await store.jobs(matching: JobFilter(queues: ["hooks"], limit: 1_000))
            let hooked = try hooks.map { try $0.args.decode(JobOutcome.self).jobID }
            #expect(hooked.count == Set(hooked).count, "one hook per discarded job")
            #expect(Set(hooked) == Set(discarded.map(\.id)))
        }
    }

    /// Limits set while three nodes run hold over all of them: a concurrency of 5 is never
    /// exceeded (sampled), then a rate of 20 per second is never exceeded over any window.
    @Test(.timeLimit(.minutes(2)))
    func queueLimitsHoldAcrossThreeNodes() async throws {
        let folder = try makeFolder()
        try await withPostgresStore(url: try #require(testPostgresURL)) { store, url in
            let serve = ["serve", "--port", "0", "--database", url, "--queue", "default=10", "--poll-interval", "50ms"]
            let nodes = try ["a", "b", "c"].map { try CLIProcess.start(serve + ["--node", $0], in: folder, log: "\($0).log") }
            defer { for node in nodes where CLIProcess.exitStatus(of: node) == nil { node.terminate() } }

            let limit = try await CLIProcess.run(["queues", "limit", "default", "--concurrency", "5", "--database", url], in: folder)
            #expect(limit.status == 0, "\(limit.stderr)")
            let sleeps = (0..<150).map { _ in JobInsert(kind: "sleep", args: RawJSON(.object(["ms": .number(30)]))) }
            _ = try await store.insert(sleeps, now: Date())
            var mostExecuting = 0
            while try await store.queueSummaries().first?.count(.completed) ?? 0 < 150 {
                mostExecuting = max(mostExecuting, try await store.queueSummaries().first?.count(.executing) ?? 0)
                try await Task.sleep(for: .milliseconds(5))
            }
            #expect(mostExecuting <= 5)
            #expect(mostExecuting >= 2, "the nodes ran jobs side by side")
            #expect(Set(try await allJobs(store).compactMap(\.attemptedBy)).count >= 2)

            let rate = try await CLIProcess.run(["queues", "limit", "default", "--rate", "20/1s", "--database", url], in: folder)
            #expect(rate.status == 0, "\(rate.stderr)")
            try await insertNoops(100, into: store)
            try await eventually(timeout: .seconds(60)) {
                try await store.queueSummaries().first?.count(.completed) == 250
            }
            let starts = try await allJobs(store).filter { $0.kind == "noop" }.compactMap(\.attemptedAt).sorted()
            #expect(starts.count == 100)
            let crowded = zip(starts, starts.dropFirst(20)).filter { $1.timeIntervalSince($0) < 0.999 }
            #expect(crowded.isEmpty, "21 jobs started within one second: \(crowded.prefix(3))")
            for node in nodes { node.terminate() }
            for node in nodes { #expect(try await CLIProcess.wait(node) == 0) }
        }
    }

    /// PostgreSQL restarts in the middle of a run: nodes reconnect and finish; nothing is lost.
    @Test(.timeLimit(.minutes(3)))
    func nodesSurviveAServerRestart() async throws {
        let folder = try makeFolder()
        try await OwnPostgres.with(port: 25431) { server, url in
            try await withPostgresStore(url: url) { store, schemaURL in
                let total = 20_000
                try await insertNoops(total, into: store)
                let serve = ["serve", "--port", "0", "--database", schemaURL, "--queue", "default=20", "--poll-interval", "100ms",
                             "--heartbeat-interval", "500ms", "--rescue-after", "5s"]
                let nodes = try ["a", "b"].map { try CLIProcess.start(serve + ["--node", $0], in: folder, log: "\($0).log") }
                defer { for node in nodes where CLIProcess.exitStatus(of: node) == nil { node.terminate() } }
                try await eventually(timeout: .seconds(60)) {
                    try await store.queueSummaries().first?.count(.completed) ?? 0 >= total / 4
                }
                try await server.run("restart")
                // Read progress through fresh processes: what is under test is the nodes' recovery.
                try await eventually(timeout: .seconds(150)) {
                    let queues = try await CLIProcess.run(["queues", "--json", "--database", schemaURL], in: folder)
                    return queues.stdout.contains("\"completed\" : \(total)")
                }
                for node in nodes {
                    #expect(CLIProcess.exitStatus(of: node) == nil, "a node exited when the server restarted")
                    node.terminate()
                }
                for node in nodes { #expect(try await CLIProcess.wait(node) == 0) }
                let list = try await CLIProcess.run(["jobs", "list", "--json", "--state", "completed", "--limit", "1", "--database", schemaURL], in: folder)
                #expect(list.status == 0)
            }
        }
    }
}

@Suite("CLI: a database outage longer than rescueAfter", .enabled(if: testPostgresURL != nil))
struct PostgresOutageTests {
    /// PostgreSQL is down for twice `rescueAfter` while three nodes have jobs running. Every
    /// node lived through it, so no job may be rescued and none may run twice: the nodes store
    /// the outcomes they finished while it was down, and the leader waits for their heartbeats.
    @Test(.timeLimit(.minutes(3)))
    func noJobRunsTwiceWhenNoNodeDied() async throws {
        let folder = try makeFolder()
        try await OwnPostgres.with(port: 25432) { server, url in
            try await withPostgresStore(url: url) { store, schemaURL in
                let total = 600
                let sleeps = (0..<total).map { _ in JobInsert(kind: "sleep", args: RawJSON(.object(["ms": .number(2_000)]))) }
                _ = try await store.insert(sleeps, now: Date())
                // The default heartbeat: what matters is how long a node takes to speak again after the outage.
                let serve = ["serve", "--port", "0", "--database", schemaURL, "--queue", "default=10", "--poll-interval", "100ms",
                             "--rescue-after", "10s"]
                let nodes = try ["a", "b", "c"].map { try CLIProcess.start(serve + ["--node", $0], in: folder, log: "\($0).log") }
                defer { for node in nodes where CLIProcess.exitStatus(of: node) == nil { node.terminate() } }
                try await eventually(timeout: .seconds(60)) {
                    let counts = try await store.queueSummaries().first
                    return (counts?.count(.completed) ?? 0) >= 30 && (counts?.count(.executing) ?? 0) >= 20
                }
                try await server.run("stop")
                try await Task.sleep(for: .seconds(20))
                try await server.run("resume")
                // The test's own pool reconnects too: a read may fail until it has.
                try await eventually(timeout: .seconds(150)) {
                    (try? await store.queueSummaries().first?.count(.completed)) == total
                }
                for node in nodes {
                    #expect(CLIProcess.exitStatus(of: node) == nil, "a node exited during the outage")
                    node.terminate()
                }
                for node in nodes { #expect(try await CLIProcess.wait(node) == 0) }
                let jobs = try await allJobs(store)
                #expect(jobs.count == total && jobs.allSatisfy { $0.state == .completed })
                let twice = jobs.filter { $0.attempt > 1 || !$0.errors.isEmpty }
                #expect(twice.isEmpty, "\(twice.count) jobs ran twice though no node died: \(twice.prefix(3).map { $0.errors.map(\.message) })")
            }
        }
    }
}

/// Runs one of the repository's scripts and returns its standard output.
func runScript(_ name: String, _ arguments: [String], environment: [String: String]) async throws -> String {
    let result = try await CLIProcess.runToEnd(URL(fileURLWithPath: "/bin/bash"), [scriptsFolder.appendingPathComponent(name).path] + arguments,
                                               in: FileManager.default.temporaryDirectory,
                                               environment: ProcessInfo.processInfo.environment.merging(environment) { $1 })
    guard result.status == 0 else { throw CLITestFailure(description: "\(name) \(arguments) failed: \(result.stderr)") }
    return result.stdout
}

/// A PostgreSQL server of one test's own (scripts/postgres.sh on its own port and folder), so
/// that stopping or restarting it disturbs no other test. Its port is below Linux's ephemeral
/// range (32768–60999): a port in it can be held by any outgoing connection of the suite at
/// the moment the server starts or restarts, and then the server cannot bind it.
struct OwnPostgres {
    let environment: [String: String]

    init(port: Int) {
        environment = ["CONVEYOR_TEST_PG_PORT": "\(port)", "CONVEYOR_TEST_PG_DATA": "/tmp/conveyor-own-postgres-\(port)"]
    }

    /// `postgres.sh command` (start, stop, restart, resume); answers the URL it prints.
    @discardableResult
    func run(_ command: String) async throws -> String {
        try await runScript("postgres.sh", [command], environment: environment).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Starts one on `port`, runs `body` with its URL, and stops it however `body` ends.
    static func with<T>(port: Int, _ body: (OwnPostgres, String) async throws -> T) async throws -> T {
        let server = OwnPostgres(port: port)
        let url = try await server.run("start")
        do {
            let value = try await body(server, url)
            try await server.run("stop")
            return value
        } catch {
            _ = try? await server.run("stop")
            throw error
        }
    }
}


@Suite("CLI: schedules on several PostgreSQL nodes", .enabled(if: testPostgresURL != nil))
struct PostgresScheduleProcessTests {
    /// Three `serve` nodes fire a schedule every second for a few seconds of real time: one
    /// job per fire time, with no fire time missing between the first and the last.
    @Test(.timeLimit(.minutes(2)))
    func threeNodesFireEachSecondExactlyOnce() async throws {
        let folder = try makeFolder()
        try await withPostgresStore(url: try #require(testPostgresURL)) { store, url in
            let added = try await CLIProcess.run(["schedules", "add", "tick", "--kind", "noop", "--every", "1s", "--database", url], in: folder)
            #expect(added.status == 0, "\(added.stderr)")
            let serve = ["serve", "--port", "0", "--database", url, "--poll-interval", "50ms", "--scheduler-interval", "100ms"]
            let nodes = try ["a", "b", "c"].map { try CLIProcess.start(serve + ["--node", $0], in: folder, log: "\($0).log") }
            defer { for node in nodes where CLIProcess.exitStatus(of: node) == nil { node.terminate() } }
            try await eventually(timeout: .seconds(60)) {
                try await store.queueSummaries().first?.count(.completed) ?? 0 >= 6
            }
            let deactivated = try await CLIProcess.run(["schedules", "deactivate", "tick", "--database", url], in: folder)
            #expect(deactivated.status == 0, "\(deactivated.stderr)")
            for node in nodes { node.terminate() }
            for node in nodes { #expect(try await CLIProcess.wait(node) == 0) }

            let fires = try await allJobs(store).compactMap { job -> Date? in
                guard case .string(let text) = job.meta.value["fire_at"] else { return nil }
                return try? Date(text, strategy: .iso8601)
            }.sorted()
            #expect(fires.count >= 6)
            #expect(Set(fires).count == fires.count, "a fire time produced two jobs")
            if let first = fires.first, let last = fires.last {
                #expect(fires.count == Int(last.timeIntervalSince(first).rounded()) + 1, "a fire time between \(first) and \(last) produced no job")
            }
            let schedule = try #require(try await store.schedule(named: "tick"))
            #expect(schedule.lastStatus == .completed || schedule.lastStatus == .enqueued)
        }
    }
}
