import Foundation
import Testing

@Suite("CLI: cron next")
struct CronCommandTests {
    @Test func printsUTCInstantsOnePerLine() async throws {
        let folder = try makeFolder()
        let spring = try await CLIProcess.run(["cron", "next", "30 2 * * *", "--tz", "America/New_York",
                                         "--from", "2026-03-08T00:00:00-05:00", "--count", "3"], in: folder)
        #expect(spring.status == 0, "\(spring.stderr)")
        #expect(spring.stdout == "2026-03-08T07:00:00Z\n2026-03-09T06:30:00Z\n2026-03-10T06:30:00Z\n")

        // A --from without an offset is read in --tz: 00:30 in London in summer is 23:30 UTC.
        let local = try await CLIProcess.run(["cron", "next", "@hourly", "--tz", "Europe/London", "--from", "2026-07-01T00:30", "--count", "1"], in: folder)
        #expect(local.stdout == "2026-07-01T00:00:00Z\n", "\(local.stderr)")

        let now = try await CLIProcess.run(["cron", "next", "* * * * *"], in: folder)
        let lines = now.stdout.split(separator: "\n")
        #expect(lines.count == 5)
        let first = try Date(String(lines[0]), strategy: .iso8601)
        #expect(first > Date().addingTimeInterval(-1) && first <= Date().addingTimeInterval(61))
    }
}
