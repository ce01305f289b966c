import Conveyor
import Foundation
import NIOCore
import PostgresNIO

/// A date bound as the whole microseconds nearest to it, held to ``InstantRange``. `COPY`
/// writes the same microseconds as text (``CopyRows``).
///
/// postgres-nio binds a `Date` by truncating its offset from 2000 to microseconds, and a
/// stored date's `Double` can fall a hair below its microsecond: about one date in thirty
/// was then stored 1 µs earlier than the job the insert answered. Rounding here keeps the
/// answered job equal to the one read back (``PostgresJobStore/storedDate(_:)``).
struct StoredTimestamp: PostgresNonThrowingEncodable, PostgresArrayEncodable {
    static var psqlType: PostgresDataType { .timestamptz }
    static var psqlFormat: PostgresFormat { .binary }
    static var psqlArrayType: PostgresDataType { .timestamptzArray }

    /// PostgreSQL's own epoch, from which it counts microseconds.
    static let start = Date(timeIntervalSince1970: 946_684_800)
    /// Since ``start``; exact for a stored date, which holds whole microseconds.
    let microseconds: Int64

    init(_ date: Date) {
        microseconds = InstantRange.microseconds(date, since: Self.start)
    }

    func encode<JSONEncoder: PostgresJSONEncoder>(into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        buffer.writeInteger(microseconds)
    }
}

/// Every date the store binds is a ``StoredTimestamp``: held to ``InstantRange`` and rounded to
/// its microsecond. These overloads take precedence over postgres-nio's own `Date` encoding,
/// which truncates, and traps on a date past its range.
extension PostgresBindings {
    mutating func append(_ date: Date) {
        append(StoredTimestamp(date))
    }

    mutating func append(_ date: Date?) {
        append(date.map(StoredTimestamp.init))
    }

    mutating func append(_ dates: [Date]) {
        append(dates.map(StoredTimestamp.init))
    }
}
