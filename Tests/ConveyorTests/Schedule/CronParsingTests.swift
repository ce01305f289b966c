import Conveyor
import Foundation
import Testing

@Suite("Cron: parsing")
struct CronParsingTests {
    private let utc = TimeZone(identifier: "UTC")!
    /// Thursday 2026-01-01T00:00:00Z.
    private let newYear = Date(timeIntervalSince1970: 1_767_225_600)

    private func fires(_ expression: String, count: Int = 5, from: Date? = nil) throws -> [String] {
        try CronExpression(expression).nextFires(after: from ?? newYear, in: utc, count: count).map { $0.formatted(.iso8601) }
    }

    @Test func listsRangesStepsAndNames() throws {
        #expect(try fires("5,10-12 0 * * *", count: 4) == ["2026-01-01T00:05:00Z", "2026-01-01T00:10:00Z", "2026-01-01T00:11:00Z", "2026-01-01T00:12:00Z"])
        #expect(try fires("*/20 */12 * * *", count: 4) == ["2026-01-01T00:20:00Z", "2026-01-01T00:40:00Z", "2026-01-01T12:00:00Z", "2026-01-01T12:20:00Z"])
        #expect(try fires("0-30/15 9 * * *", count: 3) == ["2026-01-01T09:00:00Z", "2026-01-01T09:15:00Z", "2026-01-01T09:30:00Z"])
        #expect(try fires("0 8 * FEB,mar MON-wed", count: 2) == ["2026-02-02T08:00:00Z", "2026-02-03T08:00:00Z"])
        #expect(try fires("0 0 * * 7", count: 1) == ["2026-01-04T00:00:00Z"], "7 is Sunday")
        #expect(try fires("0 0 * * 5-7", count: 3) == ["2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z"])
    }

    @Test func macros() throws {
        #expect(try fires("@hourly", count: 2) == ["2026-01-01T01:00:00Z", "2026-01-01T02:00:00Z"])
        #expect(try fires("@daily", count: 1) == ["2026-01-02T00:00:00Z"])
        #expect(try fires("@midnight", count: 1) == ["2026-01-02T00:00:00Z"])
        #expect(try fires("@weekly", count: 1) == ["2026-01-04T00:00:00Z"])
        #expect(try fires("@monthly", count: 1) == ["2026-02-01T00:00:00Z"])
        #expect(try fires("@yearly", count: 1) == ["2027-01-01T00:00:00Z"])
        #expect(try fires("@ANNUALLY", count: 1) == ["2027-01-01T00:00:00Z"])
    }

    /// Vixie cron: both day fields restricted means either; a `*` start on either means both.
    @Test func dayOfMonthAndDayOfWeek() throws {
        // The 13th, or any Friday: Jan 2 (Fri), 9 (Fri), 13 (Tue), 16 (Fri).
        #expect(try fires("0 0 13 * 5", count: 4) == ["2026-01-02T00:00:00Z", "2026-01-09T00:00:00Z", "2026-01-13T00:00:00Z", "2026-01-16T00:00:00Z"])
        // '*/2' starts with '*': odd days that are also Mondays.
        #expect(try fires("0 0 */2 * 1", count: 3) == ["2026-01-05T00:00:00Z", "2026-01-19T00:00:00Z", "2026-02-09T00:00:00Z"])
        // A day-of-week starting with '*' also means both: the 13th, on any day.
        #expect(try fires("0 0 13 * */1", count: 2) == ["2026-01-13T00:00:00Z", "2026-02-13T00:00:00Z"])
        // Day-of-month '*' with a weekday: only that weekday.
        #expect(try fires("0 0 * * fri", count: 2) == ["2026-01-02T00:00:00Z", "2026-01-09T00:00:00Z"])
    }

    @Test func rareAndImpossibleDates() throws {
        #expect(try fires("0 0 29 2 *", count: 2) == ["2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"])
        #expect(try fires("0 0 30 2 *").isEmpty)
        #expect(try fires("0 0 31 4,6 *").isEmpty)
    }

    @Test(arguments: [
        ("", "has 0 fields"),
        ("* * * *", "has 4 fields"),
        ("* * * * * *", "has 6 fields"),
        ("60 * * * *", "minute field: '60' is out of range 0-59"),
        ("* 24 * * *", "hour field: '24' is out of range 0-23"),
        ("0 0 32 * *", "day-of-month field: '32' is out of range 1-31"),
        ("0 0 0 * *", "day-of-month field: '0' is out of range 1-31"),
        ("0 0 * 13 *", "month field: '13' is out of range 1-12"),
        ("0 0 * * 8", "day-of-week field: '8' is out of range 0-7"),
        ("0 0 * foo *", "month field: 'foo' is not a number or a name (jan feb"),
        ("0 0 * * monday", "day-of-week field: 'monday' is not a number or a name (sun mon"),
        ("0 jan * * *", "hour field: 'jan' is not a number"),
        ("*/0 * * * *", "minute field: the step in '*/0' must be at least 1"),
        ("*/x * * * *", "minute field: 'x' in '*/x' is not a step"),
        ("5/15 * * * *", "minute field: '5/15' steps from a single value"),
        ("30-10 * * * *", "minute field: the range '30-10' runs backwards"),
        ("1,,2 * * * *", "minute field: '1,,2' has an empty list element"),
        ("1- * * * *", "minute field: '1-' is missing a value"),
        ("L * * * *", "minute field: 'L' is not a number"),
        ("@reboot", "@reboot runs at start-up"),
        ("@often", "'@often' is not a macro"),
    ])
    func invalidExpressionsNameTheFieldAndToken(expression: String, message: String) {
        do {
            _ = try CronExpression(expression)
            Issue.record("'\(expression)' should be refused")
        } catch {
            #expect(error.code == .invalidInput)
            #expect(error.field == "cron")
            #expect(error.message.contains(message), "\(error.message)")
        }
    }

    @Test func unknownZonesAreRefused() {
        #expect(throws: ConveyorError.self) { try CronExpression.zone(named: "Mars/Olympus") }
        #expect((try? CronExpression.zone(named: "America/New_York")) != nil)
    }
}
