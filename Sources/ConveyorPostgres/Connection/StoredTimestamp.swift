import Foundation
import NIOCore
import PostgresNIO

/// A stored date (see ``PostgresJobStore/storedDate(_:)``) bound as exactly the whole
/// microseconds it holds. `COPY` writes the same microseconds as text (``CopyRows``).
///
/// postgres-nio binds a `Date` by truncating its offset from 2000 to microseconds, and a
/// stored date's `Double` can fall a hair below its microsecond: about one date in thirty
/// was then stored 1 µs earlier than the job the insert answered. Rounding here keeps the
/// answered job equal to the one read back.
struct StoredTimestamp: PostgresNonThrowingEncodable, PostgresArrayEncodable {
    static var psqlType: PostgresDataType { .timestamptz }
    static var psqlFormat: PostgresFormat { .binary }
    static var psqlArrayType: PostgresDataType { .timestamptzArray }

    /// PostgreSQL's own epoch, from which it counts microseconds.
    static let start = Date(timeIntervalSince1970: 946_684_800)
    /// Since ``start``; exact for a stored date, which holds whole microseconds.
    let microseconds: Int64

    init(_ date: Date) {
        microseconds = Int64((date.timeIntervalSince(Self.start) * 1_000_000).rounded())
    }

    func encode<JSONEncoder: PostgresJSONEncoder>(into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        buffer.writeInteger(microseconds)
    }
}
