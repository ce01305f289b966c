import Conveyor
import Foundation
import Testing

/// Debian cron's rules at daylight-saving changes, pinned on the 2026 changes in New York
/// (clocks 02:00 EST → 03:00 EDT on 8 March, 02:00 EDT → 01:00 EST on 1 November) and London
/// (01:00 GMT → 02:00 BST on 29 March, 02:00 BST → 01:00 GMT on 25 October).
@Suite("Cron: daylight-saving changes")
struct CronDaylightSavingTests {
    private func fires(_ expression: String, _ zone: String, from: String, count: Int) throws -> [String] {
        try CronExpression(expression)
            .nextFires(after: try Date(from, strategy: .iso8601), in: CronExpression.zone(named: zone), count: count)
            .map { $0.formatted(.iso8601) }
    }

    @Test func newYorkSpringForward() throws {
        // A fixed time in the skipped hour runs right after the change, then as usual.
        #expect(try fires("30 2 * * *", "America/New_York", from: "2026-03-08T05:00:00Z", count: 2)
            == ["2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z"])
        // Two fixed times in the gap collapse into the one run after the change.
        #expect(try fires("0,30 2 * * *", "America/New_York", from: "2026-03-08T05:00:00Z", count: 2)
            == ["2026-03-08T07:00:00Z", "2026-03-09T06:00:00Z"])
        // Hourly follows the wall clock: 02:30 does not exist that night.
        #expect(try fires("30 * * * *", "America/New_York", from: "2026-03-08T05:00:00Z", count: 3)
            == ["2026-03-08T05:30:00Z", "2026-03-08T06:30:00Z", "2026-03-08T07:30:00Z"])
        // Minute '*' is a wildcard job too: no catch-up for the skipped hour.
        #expect(try fires("*/30 2 * * *", "America/New_York", from: "2026-03-08T05:00:00Z", count: 1)
            == ["2026-03-09T06:00:00Z"])
    }

    @Test func newYorkFallBack() throws {
        // A fixed time in the repeated hour runs once, the first time.
        #expect(try fires("30 1 * * *", "America/New_York", from: "2026-11-01T04:00:00Z", count: 2)
            == ["2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"])
        // Starting inside the repeated hour, after the first 01:30, it waits for tomorrow.
        #expect(try fires("30 1 * * *", "America/New_York", from: "2026-11-01T06:15:00Z", count: 1)
            == ["2026-11-02T06:30:00Z"])
        // Hourly follows the wall clock: 01:30 runs in both passes.
        #expect(try fires("30 * * * *", "America/New_York", from: "2026-11-01T04:00:00Z", count: 4)
            == ["2026-11-01T04:30:00Z", "2026-11-01T05:30:00Z", "2026-11-01T06:30:00Z", "2026-11-01T07:30:00Z"])
    }

    @Test func londonSpringForward() throws {
        #expect(try fires("30 1 * * *", "Europe/London", from: "2026-03-29T00:00:00Z", count: 2)
            == ["2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z"])
        #expect(try fires("15 * * * *", "Europe/London", from: "2026-03-29T00:00:00Z", count: 2)
            == ["2026-03-29T00:15:00Z", "2026-03-29T01:15:00Z"])
    }

    @Test func londonFallBack() throws {
        #expect(try fires("30 1 * * *", "Europe/London", from: "2026-10-24T23:00:00Z", count: 2)
            == ["2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"])
        #expect(try fires("*/20 1 * * *", "Europe/London", from: "2026-10-24T23:00:00Z", count: 6)
            == ["2026-10-25T00:00:00Z", "2026-10-25T00:20:00Z", "2026-10-25T00:40:00Z",
                "2026-10-25T01:00:00Z", "2026-10-25T01:20:00Z", "2026-10-25T01:40:00Z"])
    }

    /// The issue's own example, and a daily brief at 08:00 New York time across the change.
    @Test func dailyAtEightInNewYork() throws {
        #expect(try fires("0 8 * * *", "America/New_York", from: "2026-03-07T00:00:00Z", count: 3)
            == ["2026-03-07T13:00:00Z", "2026-03-08T12:00:00Z", "2026-03-09T12:00:00Z"])
    }
}
