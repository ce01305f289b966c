import Conveyor
import ConveyorPostgres
import ConveyorSQLite
import Foundation
import Testing

/// Seed 004's per-agent subscription across processes: an event stream filtered by tag on one
/// `conveyor serve` shows every event of that tag's jobs, whichever process runs them.
@Suite("CLI: events followed by tag across processes", .serialized)
struct ScopedEventsProcessTests {
    /// One event as the stream carried it.
    struct Seen {
        let kind: String
        let jobID: Int64
        let node: String
        let tags: [String]
    }

    static func events(in file: URL) -> [Seen] {
        let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line -> Seen? in
            guard line.hasPrefix("data: "),
                  let object = try? JSONSerialization.jsonObject(with: Data(line.dropFirst(6).utf8)) as? [String: Any],
                  let kind = object["kind"] as? String, let id = object["job_id"] as? Int else { return nil }
            return Seen(kind: kind, jobID: Int64(id), node: object["node"] as? String ?? "", tags: object["tags"] as? [String] ?? [])
        }
    }

    func followAgentSeven(store: any JobStore, database: String, nodes: [String], in folder: URL) async throws {
        let serve = ["serve", "--database", database, "--queue", "default=5", "--poll-interval", "50ms"]
        let processes = try nodes.enumerated().map { index, node in
            try CLIProcess.start(serve + ["--node", node] + (index == 0 ? ["--port", "0"] : ["--no-http"]), in: folder, log: "\(node).log")
        }
        defer { for process in processes where CLIProcess.exitStatus(of: process) == nil { process.terminate() } }
        let port = try await HostileRequestsTests.port(of: folder.appendingPathComponent("\(nodes[0]).log"))

        let stream = folder.appendingPathComponent("events.txt")
        _ = FileManager.default.createFile(atPath: stream.path, contents: nil)
        let curl = Process()
        curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        curl.arguments = ["-sN", "--max-time", "120", "http://127.0.0.1:\(port)/api/v1/events?tag=agent:7"]
        curl.standardOutput = try FileHandle(forWritingTo: stream)
        try curl.run()
        defer { if curl.isRunning { curl.terminate() } }
        try await eventually(timeout: .seconds(30)) { (try? String(contentsOf: stream, encoding: .utf8))?.contains(": conveyor events") == true }

        // The other processes learn of the watcher within their demand interval: send probes of
        // agent 7, round after round, until each process has been seen completing one. A round
        // ends when its probes are completed, and its events may arrive during the next.
        var probes = 0
        try await eventually(timeout: .seconds(60)) {
            probes += try await store.insert((0..<10).map { _ in JobInsert(kind: "noop", tags: ["agent:7", "probe"]) }, now: Date()).count
            try await eventually(timeout: .seconds(30)) {
                try await store.countJobs(matching: JobFilter(states: [.completed], tags: ["probe"])) == probes
            }
            let nodesSeen = Set(Self.events(in: stream).filter { $0.kind == "completed" && $0.tags.contains("probe") }.map(\.node))
            return nodesSeen.isSuperset(of: nodes)
        }

        let sleep = RawJSON(.object(["ms": .number(40)]))
        let seven = try await store.insert((0..<40).map { _ in JobInsert(kind: "sleep", args: sleep, tags: ["agent:7", "work"]) }, now: Date()).map(\.job.id)
        let eight = try await store.insert((0..<40).map { _ in JobInsert(kind: "sleep", args: sleep, tags: ["agent:8", "work"]) }, now: Date()).map(\.job.id)
        try await eventually(timeout: .seconds(60)) {
            let completed = Set(Self.events(in: stream).filter { $0.kind == "completed" }.map(\.jobID))
            return completed.isSuperset(of: seven)
        }
        let seen = Self.events(in: stream)
        #expect(seen.allSatisfy { $0.tags.contains("agent:7") }, "only agent 7's events")
        #expect(Set(seen.map(\.jobID)).isDisjoint(with: eight))
        for id in seven {
            let kinds = seen.filter { $0.jobID == id }.map(\.kind)
            #expect(kinds.filter { $0 == "started" }.count == 1 && kinds.filter { $0 == "progress" }.count == 10
                        && kinds.filter { $0 == "completed" }.count == 1, "job \(id): \(kinds)")
        }
        let ranBy = Set(seen.filter { seven.contains($0.jobID) && $0.kind == "completed" }.map(\.node))
        #expect(ranBy.count >= 2, "agent 7's jobs ran on several processes: \(ranBy)")
        for process in processes { process.terminate() }
        for process in processes { #expect(try await CLIProcess.wait(process) == 0) }
    }

    @Test(.timeLimit(.minutes(3)))
    func twoProcessesOnOneSQLiteFile() async throws {
        let (folder, path, store) = try await makeSQLiteFolder()
        try await followAgentSeven(store: store, database: "sqlite:" + path, nodes: ["web", "worker"], in: folder)
    }

    @Test(.timeLimit(.minutes(3)), .enabled(if: testPostgresURL != nil))
    func threeNodesOnPostgreSQL() async throws {
        let folder = try makeFolder()
        try await withPostgresStore(url: try #require(testPostgresURL)) { store, url in
            try await followAgentSeven(store: store, database: url, nodes: ["web", "worker-a", "worker-b"], in: folder)
        }
    }
}
