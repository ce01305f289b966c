import Conveyor
import ConveyorSQLite
import Foundation
import Testing

@Suite("CLI: schedules")
struct SchedulesCommandTests {
    @Test func addListTriggerChangeAndDelete() async throws {
        let folder = try makeFolder()
        func run(_ arguments: [String]) async throws -> CLIProcess.Result {
            let result = try await CLIProcess.run(arguments, in: folder)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            return result
        }
        let added = try await run(["schedules", "add", "nightly", "--kind", "sleep", "--args", "{\"ms\": 1}", "--daily", "02:30",
                             "--tz", "America/New_York", "--overlap", "skip", "--description", "nightly sleep"])
        #expect(added.stdout.hasPrefix("added schedule nightly; next run "))
        _ = try await run(["schedules", "add", "weekly-brief", "--kind", "noop", "--weekly", "mon@08:00", "--inactive"])

        let list = try await run(["schedules", "list"])
        #expect(list.stdout.contains("daily at 02:30"))
        #expect(list.stdout.contains("weekly on Monday at 08:00"))

        let json = try await run(["schedules", "show", "nightly", "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(object?["time_zone"] as? String == "America/New_York")
        #expect(object?["overlap"] as? String == "skip")
        #expect(object?["cron"] as? String == "30 2 * * *")
        #expect(object?["active"] as? Bool == true)

        let triggered = try await run(["schedules", "trigger", "nightly"])
        #expect(triggered.stdout.contains("for schedule nightly"))
        let shown = try await run(["schedules", "show", "nightly"])
        #expect(shown.stdout.contains("enqueued (job 1)"), "\(shown.stdout)")

        _ = try await run(["schedules", "update", "nightly", "--cron", "*/15 * * * *"])
        _ = try await run(["schedules", "deactivate", "nightly"])
        let inactive = try await run(["schedules", "show", "nightly"])
        #expect(inactive.stdout.contains("when:          cron */15 * * * * (America/New_York)"))
        #expect(inactive.stdout.contains("active:        no"))
        _ = try await run(["schedules", "activate", "weekly-brief"])
        _ = try await run(["schedules", "delete", "weekly-brief"])

        let store = try SQLiteJobStore(path: folder.appendingPathComponent("conveyor.sqlite").path)
        let schedules = try await store.schedules(matching: ScheduleFilter())
        #expect(schedules.map(\.name) == ["nightly"])
        #expect(schedules.first?.definition.args.value == .object(["ms": .number(1)]))
        let jobs = try await store.jobs(matching: JobFilter())
        #expect(jobs.count == 1)
        #expect(jobs.first?.meta.value["schedule"] == .string("nightly"))
    }
}
