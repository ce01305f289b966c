import Conveyor
import ConveyorSQLite
import Foundation
import Testing

@Suite("CLI: several processes on one SQLite file", .serialized)
struct MultiProcessTests {
    /// Two `conveyor serve` processes share 10,000 queued jobs: each completes exactly once.
    @Test(.timeLimit(.minutes(3)))
    func twoServeProcessesCompleteEveryJobExactlyOnce() async throws {
        let (folder, _, store) = try await makeSQLiteFolder()
        let total = 10_000
        for chunk in stride(from: 0, to: total, by: 1_000) {
            _ = try await store.insert((chunk..<chunk + 1_000).map { JobInsert(kind: "noop", args: RawJSON(.object(["n": .number(Double($0))]))) }, now: Date())
        }
        let serve = ["serve", "--port", "0", "--queue", "default=20", "--poll-interval", "20ms", "--grace-period", "5s"]
        let first = try CLIProcess.start(serve + ["--node", "first"], in: folder, log: "first.log")
        let second = try CLIProcess.start(serve + ["--node", "second"], in: folder, log: "second.log")
        defer {
            if CLIProcess.exitStatus(of: first) == nil { first.terminate() }
            if CLIProcess.exitStatus(of: second) == nil { second.terminate() }
        }
        try await eventually(timeout: .seconds(120)) {
            try await store.queueSummaries().first { $0.name == "default" }?.count(.completed) == total
        }
        first.terminate()
        second.terminate()
        #expect(try await CLIProcess.wait(first) == 0)
        #expect(try await CLIProcess.wait(second) == 0)

        var jobs: [Job] = []
        var cursor: Int64?
        repeat {
            let page = try await store.jobs(matching: JobFilter(beforeID: cursor, limit: 1_000))
            jobs += page
            cursor = page.last?.id
        } while cursor != nil && jobs.count < total + 1
        #expect(jobs.count == total)
        #expect(jobs.allSatisfy { $0.state == .completed && $0.attempt == 1 }, "a job ran twice or not at all")
        let byNode = Dictionary(grouping: jobs, by: { $0.attemptedBy ?? "" }).mapValues(\.count)
        #expect(Set(byNode.keys) == ["first", "second"], "\(byNode)")
        #expect(try await store.nodes().isEmpty, "both nodes stopped cleanly")
    }

    /// A process is killed (SIGKILL) in the middle of a job; another process rescues the job
    /// once the dead node's heartbeat has expired, and completes it.
    @Test(.timeLimit(.minutes(2)))
    func aKilledProcessesJobIsRescuedAndCompleted() async throws {
        let (folder, _, store) = try await makeSQLiteFolder()
        // Long enough that the test sees the job executing even on a busy machine.
        let job = try await store.insert([JobInsert(kind: "sleep", args: RawJSON(.object(["ms": .number(4_000)])))], now: Date())[0].job
        let fast = ["serve", "--port", "0", "--poll-interval", "50ms", "--heartbeat-interval", "200ms", "--rescue-after", "1s"]
        let doomed = try CLIProcess.start(fast + ["--node", "doomed"], in: folder, log: "doomed.log")
        try await eventually {
            let state = try await store.job(id: job.id)?.state
            guard state != .completed else { throw CLITestFailure(description: "the job completed before the test saw it executing") }
            return state == .executing
        }
        let survivor = try CLIProcess.start(fast + ["--node", "survivor"], in: folder, log: "survivor.log")
        defer { if CLIProcess.exitStatus(of: survivor) == nil { survivor.terminate() } }
        kill(doomed.processIdentifier, SIGKILL)
        #expect(try await CLIProcess.wait(doomed) == 128 + SIGKILL)

        try await eventually(timeout: .seconds(60)) { try await store.job(id: job.id)?.state == .completed }
        survivor.terminate()
        #expect(try await CLIProcess.wait(survivor) == 0)
        let stored = try #require(try await store.job(id: job.id))
        #expect(stored.attempt == 2)
        #expect(stored.attemptedBy == "survivor")
        #expect(stored.errors.count == 1)
        #expect(stored.errors[0].message.contains("rescued: node doomed stopped heartbeating"))
        #expect(stored.result == .object(["slept_ms": .number(4_000)]))
    }
}
