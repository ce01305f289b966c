import Conveyor
import ConveyorSQLite
import Foundation
import Testing

@Suite("CLI: configuration file")
struct ConfigFileTests {
    static let good = """
        node: from-file
        log_level: info
        http: {host: 127.0.0.1, port: 0, api_keys: ["${CONFIG_TEST_KEY}:admin"]}
        intervals: {poll: 200ms, heartbeat: 1s, rescue_after: 10s, scheduler: 1s, grace_period: 5s}
        retention: {completed: 2d, failed: forever}
        queues:
          default: 4
          deals:
            concurrency: 5
            limits: {concurrency: 3, rate: 100/1m}
            retention: {completed: last:100, discarded: last:500+age:7d}
        schedules:
          - {name: daily-brief, kind: sleep, cron: "0 8 * * *", time_zone: America/New_York, args: {ms: 100}, overlap: skip}
          - name: sweep
            kind: noop
            every: 5m
        """

    /// `serve --config` takes every setting of the file: queues with their limits and
    /// retention, schedules, the API key from the environment; a flag overrides the file.
    @Test(.timeLimit(.minutes(1)))
    func serveTakesTheFileAndFlagsOverrideIt() async throws {
        let (folder, path, store) = try await makeSQLiteFolder()
        let file = folder.appendingPathComponent("conveyor.yaml")
        try Self.good.write(to: file, atomically: true, encoding: .utf8)
        let check = try await CLIProcess.run(["config", "check", file.path], in: folder, environment: ["CONFIG_TEST_KEY": "0123456789abcdef0123"])
        #expect(check.status == 0 && check.stdout.contains("ok (2 queues, 2 schedules)"), "\(check.stderr)")

        let serve = try CLIProcess.start(["serve", "--config", file.path, "--database", "sqlite:" + path, "--node", "from-flag"], in: folder,
                                         log: "serve.log", environment: ["CONFIG_TEST_KEY": "0123456789abcdef0123"])
        defer { if CLIProcess.exitStatus(of: serve) == nil { serve.terminate() } }
        try await eventually(timeout: .seconds(30)) { try await store.nodes().map(\.name) == ["from-flag"] }
        let node = try #require(try await store.nodes().first)
        #expect(Set(node.queues) == ["default", "deals"])
        try await eventually(timeout: .seconds(10)) { try await store.queueSettings().contains { $0.queue == "deals" && $0.retention != nil } }
        let deals = try #require(try await store.queueSettings().first { $0.queue == "deals" })
        #expect(deals.limits == QueueLimits(concurrency: 3, rate: RateLimit(count: 100, period: .seconds(60))))
        #expect(deals.retention == QueueRetention(completed: .keepLast(100), discarded: QueueRetention.Rule(maxAge: .seconds(7 * 86_400), keepLast: 500)))
        try await eventually(timeout: .seconds(10)) { try await store.schedules(matching: ScheduleFilter()).count == 2 }
        let schedules = try await store.schedules(matching: ScheduleFilter())
        #expect(schedules.map(\.name).sorted() == ["daily-brief", "sweep"])
        #expect(schedules.first { $0.name == "daily-brief" }?.definition.timeZone == "America/New_York")
        let port = try await HostileRequestsTests.port(of: folder.appendingPathComponent("serve.log"))
        let unauthorized = try await CLIProcess.runCurl(["-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(port)/api/v1/queues"], in: folder)
        #expect(unauthorized == "401", "the file's API key is required")
        serve.terminate()
        #expect(try await CLIProcess.wait(serve) == 0)
    }

    /// `--log-format json` writes every log record as one JSON object per line, and the
    /// maintenance settings are checked like the others and named by their flag.
    @Test(.timeLimit(.minutes(1)))
    func serveLogsJSONLinesAndChecksItsMaintenanceSettings() async throws {
        let (folder, path, store) = try await makeSQLiteFolder()
        let serve = try CLIProcess.start(["serve", "--database", "sqlite:" + path, "--no-http", "--log-format", "json", "--node", "json-node",
                                          "--maintenance-interval", "500ms", "--prune-interval", "30s", "--no-maintenance"],
                                         in: folder, log: "serve.log")
        defer { if CLIProcess.exitStatus(of: serve) == nil { serve.terminate() } }
        try await eventually(timeout: .seconds(30)) { try await store.nodes().map(\.name) == ["json-node"] }
        serve.terminate()
        #expect(try await CLIProcess.wait(serve) == 0)
        let lines = try String(contentsOf: folder.appendingPathComponent("serve.log"), encoding: .utf8).split(separator: "\n")
        #expect(!lines.isEmpty)
        let records = try lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any], "not JSON: \($0)") }
        let serving = try #require(records.first { $0["message"] as? String == "serving" })
        #expect(serving["level"] as? String == "info" && serving["label"] as? String == "conveyor")
        #expect((serving["metadata"] as? [String: Any])?["node"] as? String == "json-node")

        let refused = try await CLIProcess.run(["serve", "--database", "sqlite:" + path, "--no-http", "--maintenance-interval", "1ms"], in: folder)
        #expect(refused.status != 0 && refused.stderr.contains("maintenance-interval"), "\(refused.stderr)")
        let badFormat = try await CLIProcess.run(["serve", "--database", "sqlite:" + path, "--no-http", "--log-format", "xml"], in: folder)
        #expect(badFormat.status != 0 && badFormat.stderr.contains("log-format: 'xml' is not a format"), "\(badFormat.stderr)")
    }

    /// Every bad field is named with its path and line; `serve` refuses to start with the file.
    @Test func aBadFileNamesEachBadFieldAndServeRefusesIt() async throws {
        let (folder, path, store) = try await makeSQLiteFolder()
        let file = folder.appendingPathComponent("bad.yaml")
        try """
            log_level: loud
            htp: {port: 1}
            http: {port: 99999, api_keys: ["short:admin", "${NOT_SET_ANYWHERE}:read"]}
            intervals: {poll: soon, long_transaction_warning: never}
            queues:
              default: zero
              deals:
                concurency: 5
                limits: {rate: 100/fortnight}
                retention: {completed: most:100}
            schedules:
              - {name: brief, kind: sleep, cron: "61 * * * *"}
              - {name: brief3, kind: sleep, every: 5m, time_zone: Mars/Olympus, overlap: never}
            """.write(to: file, atomically: true, encoding: .utf8)
        let check = try await CLIProcess.run(["config", "check", file.path], in: folder)
        #expect(check.status != 0)
        let expected = [
            "log_level (line 1): 'loud' is not", "htp (line 2): is not a setting here", "http.port (line 3): must be a whole number from 0 to 65535",
            "http.api_keys[0] (line 3): a key must be at least 16 characters", "http.api_keys[1] (line 3): names the environment variable NOT_SET_ANYWHERE",
            "intervals.poll (line 4): 'soon' is not a duration", "intervals.long_transaction_warning (line 4): 'never' is not a duration",
            "queues.default (line 6): must be a whole number",
            "queues.deals.concurency (line 8): is not a setting here", "queues.deals.limits.rate (line 9): '1fortnight' is not a duration",
            "queues.deals.retention.completed (line 10): 'most:100' is not a rule", "schedules[0].cron (line 12): minute field: '61' is out of range",
            "schedules[1].overlap (line 13): 'never' is not allow or skip", "schedules[1].time_zone (line 13): 'Mars/Olympus' is not a time zone",
        ]
        for message in expected { #expect(check.stderr.contains(message), "\(message) missing from:\n\(check.stderr)") }
        #expect(check.stderr.split(separator: "\n").count == expected.count, "one line per bad field:\n\(check.stderr)")

        let serve = try await CLIProcess.run(["serve", "--config", file.path, "--database", "sqlite:" + path], in: folder)
        #expect(serve.status != 0 && serve.stderr.contains("config: '\(file.path)' has 14 bad fields"), "\(serve.stderr)")
        #expect(try await store.nodes().isEmpty, "nothing started")
        #expect(try await store.queueSettings().isEmpty, "nothing stored")
    }
}
