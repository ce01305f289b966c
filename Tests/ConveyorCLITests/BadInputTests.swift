import Conveyor
import ConveyorSQLite
import Foundation
import Testing

@Suite("CLI: bad input")
struct BadInputTests {
    @Test func badInputExitsNonZeroNamesTheProblemAndChangesNothing() async throws {
        let folder = try makeFolder()
        let enqueued = try await CLIProcess.run(["enqueue", "noop", "--args", "{\"a\": 1}", "--json"], in: folder)
        #expect(enqueued.status == 0, "\(enqueued.stderr)")
        #expect(enqueued.stdout.contains("\"duplicate\" : false"))

        let cases: [([String], String)] = [
            (["enqueue", "noop", "--args", "{not json"], "args: is not valid JSON"),
            (["enqueue", "noop", "--args", "[1, 2]"], "args: must be a JSON object"),
            (["enqueue", "no.such.kind"], "kind: no node has declared kind 'no.such.kind'"),
            (["enqueue", "sleep", "--args", "{\"ms\": \"long\"}"], "args: does not match"),
            (["enqueue", "noop", "--priority", "10"], "priority: must be between 0 (highest) and 9 (lowest), got 10"),
            (["enqueue", "noop", "--in=-5s"], "in: must not be negative"),
            (["enqueue", "noop", "--in", "soon"], "in: 'soon' is not a duration"),
            (["enqueue", "noop", "--at", "tomorrow"], "at: 'tomorrow' is not an ISO 8601 time"),
            (["enqueue", "noop", "--at", "300000-01-01T00:00:00Z"], "at: '300000-01-01T00:00:00Z' is not an ISO 8601 time"),
            (["enqueue", "noop", "--at", "1960-01-01T00:00:00Z"], "at: must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z"),
            (["cron", "next", "@daily", "--from", "300000-01-01T00:00:00Z"], "from: '300000-01-01T00:00:00Z' is not a time"),
            (["cron", "next", "@daily", "--from", "1960-01-01T00:00:00Z"], "from: must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z"),
            (["serve", "--heartbeat-interval", "0s"], "heartbeat-interval: must be between 0.1 seconds and 1 day"),
            (["serve", "--poll-interval", "0s"], "poll-interval: must be between 0.01 seconds and 1 day"),
            (["serve", "--scheduler-interval", "0s"], "scheduler-interval: must be between 0.1 seconds and 1 day"),
            (["serve", "--rescue-after", "1s", "--heartbeat-interval", "1s"], "rescue-after: must be more than twice"),
            (["enqueue", "noop", "--queue", "has space"], "queue: 'has space' may only contain"),
            (["jobs", "show", "424242"], "id: no job with id 424242"),
            (["jobs", "retry", "424242"], "id: no job with id 424242"),
            (["jobs", "cancel", "424242"], "id: no job with id 424242"),
            (["jobs", "delete", "424242"], "id: no job with id 424242"),
            (["jobs", "list", "--state", "finished"], "state: 'finished' is not a job state"),
            (["jobs", "list", "--limit", "0"], "limit: must be between 1 and 1000"),
            (["serve", "--queue", "default"], "queue: 'default' is not NAME=CONCURRENCY"),
            (["serve", "--host", "0.0.0.0"], "host: listening on '0.0.0.0' needs an API key"),
            (["serve", "--api-key", "short:admin"], "api_key: a key must be at least 16 characters"),
            (["serve", "--api-key", "0123456789abcdef:root"], "api_key: 'root' is not a scope"),
            (["jobs", "list", "--database", "mysql://x"], "database: 'mysql://x' is not a database URL"),
            (["cron", "next", "0 24 * * *"], "cron: hour field: '24' is out of range 0-23"),
            (["cron", "next", "0 0 32 * *"], "cron: day-of-month field: '32' is out of range 1-31"),
            (["cron", "next", "@daily", "--tz", "Mars/Olympus"], "timezone: 'Mars/Olympus' is not a time zone"),
            (["cron", "next", "0 0 30 2 *"], "cron: '0 0 30 2 *' never fires"),
            (["cron", "next", "@daily", "--from", "yesterday"], "from: 'yesterday' is not a time"),
            (["schedules", "add", "s", "--kind", "noop", "--daily", "24:00"], "recurrence.hour: must be between 0 and 23, got 24"),
            (["schedules", "add", "s", "--kind", "noop", "--monthly", "32@08:00"], "recurrence.day: must be between 1 and 31, got 32"),
            (["schedules", "add", "s", "--kind", "noop", "--cron", "0 0 * * 8"], "cron: day-of-week field: '8' is out of range 0-7"),
            (["schedules", "add", "s", "--kind", "noop", "--daily", "08:00", "--tz", "Mars/Olympus"], "timezone: 'Mars/Olympus' is not a time zone"),
            (["schedules", "add", "s", "--kind", "noop", "--daily", "8"], "daily: '8' is not a time"),
            (["schedules", "add", "s", "--kind", "noop"], "recurrence: give one of --cron"),
            (["schedules", "add", "s", "--kind", "noop", "--daily", "08:00", "--hourly", "5"], "recurrence: give one of --cron"),
            (["schedules", "add", "s", "--kind", "nosuch", "--daily", "08:00"], "kind: no node has declared kind 'nosuch'"),
            (["schedules", "add", "s", "--kind", "noop", "--daily", "08:00", "--overlap", "never"], "overlap: 'never' is not allow or skip"),
            (["queues", "retention", "deals", "completed=last:-1"], "rules: completed.keep_last: must be between 0 and 100000000, got -1"),
            (["queues", "retention", "deals", "finished=last:5"], "rules: 'finished' is not a final state"),
            (["queues", "retention", "deals", "completed=most:5"], "rules: 'most:5' is not a rule"),
            (["queues", "retention", "deals", "completed"], "rules: 'completed' is not STATE=RULE"),
            (["queues", "retention", "has space", "completed=all"], "queue: 'has space' may only contain"),
            (["serve", "--queue-retention", "deals"], "queue-retention: 'deals' is not QUEUE:STATE=RULE"),
            (["serve", "--queue-retention", "deals:completed=age:soon"], "queue-retention: 'soon' is not a duration"),
            (["serve", "--keep-completed", "0s"], "keep-completed: must be between 1 second and ten years"),
            (["serve", "--keep-failed", "later"], "keep-failed: 'later' is not a duration"),
            (["schedules", "show", "nope"], "name: no schedule named 'nope'"),
            (["schedules", "trigger", "nope"], "name: no schedule named 'nope'"),
            (["schedules", "delete", "nope"], "name: no schedule named 'nope'"),
        ]
        for (arguments, message) in cases {
            let result = try await CLIProcess.run(arguments, in: folder)
            #expect(result.status != 0, "\(arguments) should fail")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
        let store = try SQLiteJobStore(path: folder.appendingPathComponent("conveyor.sqlite").path)
        let jobs = try await store.jobs(matching: JobFilter())
        #expect(jobs.count == 1)
        #expect(jobs.first?.args.value == .object(["a": .number(1)]))
        #expect(try await store.schedules(matching: ScheduleFilter()).isEmpty)
        #expect(try await store.queueSettings().allSatisfy { $0.retention == nil })
    }

    /// Swift reads argv with U+FFFD in place of bytes that are not UTF-8; the command must refuse
    /// such an argument rather than store the replacement.
    @Test func anArgumentThatIsNotUTF8IsRefused() async throws {
        let folder = try makeFolder()
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-c", #"exec "$0" enqueue noop --args "$(printf '{"a": "\377"}')" 2>err.txt"#, CLIProcess.executable.path]
        shell.currentDirectoryURL = folder
        try shell.run()
        #expect(try await CLIProcess.wait(shell) != 0)
        let stderr = try String(contentsOf: folder.appendingPathComponent("err.txt"), encoding: .utf8)
        #expect(stderr.contains("arguments: argument 4 is not valid UTF-8"), "\(stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("conveyor.sqlite").path))
    }

    /// A server that answers "no such database" or "no such role" is quoted at once, not
    /// reported as unreachable after a wait.
    @Test(.enabled(if: testPostgresURL != nil))
    func postgresRefusalsAreQuotedAtOnce() async throws {
        let folder = try makeFolder()
        let url = try #require(testPostgresURL)
        let server = try #require(URLComponents(string: url))
        let address = "\(server.host ?? "127.0.0.1"):\(server.port ?? 5432)"
        let cases = [
            ("postgres://nobody@\(address)/postgres", #"role "nobody" does not exist"#),
            ("postgres://\(server.user ?? "postgres")@\(address)/no_such_db", #"database "no_such_db" does not exist"#),
        ]
        for (url, message) in cases {
            let started = ContinuousClock.now
            let result = try await CLIProcess.run(["jobs", "list", "--database", url], in: folder)
            #expect(result.status != 0)
            #expect(result.stderr.contains("refused the connection: \(message)"), "\(result.stderr)")
            #expect(ContinuousClock.now - started < .seconds(8), "it waited instead of quoting the server")
        }
    }

    @Test func commandsPrintJSONForScripts() async throws {
        let folder = try makeFolder()
        #expect(try await CLIProcess.run(["enqueue", "sleep", "--args", "{\"ms\": 10}", "--queue", "slow", "--priority", "3", "--tag", "demo"], in: folder).status == 0)
        let list = try await CLIProcess.run(["jobs", "list", "--json", "--queue", "slow"], in: folder)
        #expect(list.status == 0)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .iso8601
        let jobs = try decoder.decode([Job].self, from: Data(list.stdout.utf8))
        #expect(jobs.count == 1)
        #expect(jobs[0].priority == 3)
        #expect(jobs[0].tags == ["demo"])
        let queues = try await CLIProcess.run(["queues", "--json"], in: folder)
        #expect(queues.stdout.contains("\"available\" : 1"))
        let cancelled = try await CLIProcess.run(["jobs", "cancel", "\(jobs[0].id)", "--json"], in: folder)
        #expect(cancelled.stdout.contains("\"state\" : \"cancelled\""))
        let again = try await CLIProcess.run(["jobs", "cancel", "\(jobs[0].id)"], in: folder)
        #expect(again.status != 0)
        #expect(again.stderr.contains("is cancelled and cannot be cancelled"))
    }
}
