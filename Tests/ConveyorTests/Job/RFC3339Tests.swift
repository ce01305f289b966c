@testable import Conveyor
import Foundation
import Testing

@Suite("RFC 3339 times")
struct RFC3339Tests {
    @Test func readsEveryFormTheRFCAllows() {
        let base = Date(timeIntervalSince1970: 1_764_576_000)  // 2025-12-01T08:00:00Z
        #expect(RFC3339.date("2025-12-01T08:00:00Z") == base)
        #expect(RFC3339.date("2025-12-01t08:00:00z") == base)
        #expect(RFC3339.date("2025-12-01T03:00:00-05:00") == base)
        #expect(RFC3339.date("2025-12-02T07:59:00+23:59") == base)
        #expect(RFC3339.date("2025-12-01T08:00:00.25Z") == base.addingTimeInterval(0.25))
        #expect(RFC3339.date("1970-01-01T00:00:00Z") == Date(timeIntervalSince1970: 0))
        #expect(RFC3339.date("2024-02-29T00:00:00Z") == Date(timeIntervalSince1970: 1_709_164_800))
        #expect(RFC3339.date("9999-12-31T23:59:59Z") == InstantRange.latest)
        // The Gregorian calendar before 1582 too, as PostgreSQL counts.
        #expect(RFC3339.date("0001-01-01T00:00:00Z") == Date(timeIntervalSince1970: -62_135_596_800))
    }

    @Test func refusesWhatIsNotATime() {
        for text in ["", "tomorrow", "2025-12-01", "2025-12-01T08:00Z", "2025-13-01T08:00:00Z", "2025-02-29T08:00:00Z",
                     "2025-12-01T24:00:00Z", "2025-12-01T08:00:00", "2025-12-01T08:00:00+24:00", "2025-12-01T08:00:00.Z",
                     "+12025-12-01T08:00:00Z", "2025-12-01T08:00:00Zjunk"] {
            #expect(RFC3339.date(text) == nil, "\(text)")
        }
    }
}
