import Conveyor
import Foundation
import NIOCore

/// New jobs' rows in `COPY`'s text format: tab-separated, one per line, with backslash, tab,
/// newline and carriage return escaped. Written into a buffer that is handed to the server
/// in pieces, so it starts storing rows while later ones are still being written.
struct CopyRows {
    /// The columns sent: `meta` and `tags` only when some job has any. Otherwise the server
    /// parses two fields fewer per row and takes the columns' empty defaults, a few per cent
    /// of a 1,000-job call.
    let columns: [String]
    private let sendsMetaAndTags: Bool
    /// About 150 rows of small jobs: enough per write that each costs little, small enough
    /// that the server starts early.
    private static let pieceBytes = 16 * 1_024

    private var buffer: ByteBuffer
    private let now: Date
    private let nowText: String

    /// Rows for `jobs`, inserted at `now` (a stored date, see ``PostgresJobStore/storedDate(_:)``).
    init(for jobs: [JobInsert], now: Date) {
        sendsMetaAndTags = jobs.contains { $0.meta.text != RawJSON.emptyObject.text || !$0.tags.isEmpty }
        columns = ["id", "kind", "queue", "state", "priority", "args"] + (sendsMetaAndTags ? ["meta", "tags"] : [])
            + ["max_attempts", "inserted_at", "scheduled_at"]
        self.now = now
        self.nowText = Self.timestamp(now)
        self.buffer = Self.newBuffer()
    }

    /// Whether a piece is ready to be sent.
    var isFull: Bool { buffer.readableBytes >= Self.pieceBytes }
    var isEmpty: Bool { buffer.readableBytes == 0 }

    /// The rows written so far; the next ones start a new piece.
    mutating func take() -> ByteBuffer {
        defer { buffer = Self.newBuffer() }
        return buffer
    }

    mutating func append(id: Int64, _ job: JobInsert, state: JobState, scheduledAt: Date) {
        // Numbers, states and timestamps have nothing to escape; kinds and queues are
        // identifiers (``JobInsert/validate()``), but are escaped all the same.
        plain(String(id))
        field(job.kind)
        field(job.queue)
        plain(state.rawValue)
        plain(String(job.priority))
        field(job.args.text)
        if sendsMetaAndTags {
            field(job.meta.text)
            field(PostgresJobStore.arrayLiteral(job.tags))
        }
        plain(String(job.maxAttempts))
        plain(nowText)
        buffer.writeString(scheduledAt == now ? nowText : Self.timestamp(scheduledAt))
        buffer.writeInteger(UInt8(ascii: "\n"))
    }

    private static func newBuffer() -> ByteBuffer {
        ByteBufferAllocator().buffer(capacity: pieceBytes + 4_096)
    }

    private mutating func field(_ text: String) {
        escaped(text)
        buffer.writeInteger(UInt8(ascii: "\t"))
    }

    /// A field with no byte to escape.
    private mutating func plain(_ text: String) {
        buffer.writeString(text)
        buffer.writeInteger(UInt8(ascii: "\t"))
    }

    private mutating func escaped(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            // One comparison for the three control characters (all below 14), one for the
            // backslash: this scan runs over every byte of every job's arguments.
            guard bytes.contains(where: { $0 < 14 || $0 == UInt8(ascii: "\\") }) else {
                buffer.writeBytes(bytes)
                return
            }
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
                case UInt8(ascii: "\t"): buffer.writeStaticString("\\t")
                case UInt8(ascii: "\n"): buffer.writeStaticString("\\n")
                case UInt8(ascii: "\r"): buffer.writeStaticString("\\r")
                default: buffer.writeInteger(byte)
                }
            }
        }
    }

    /// `2026-11-24 10:00:00.123456+00`: UTC with the whole microseconds the store keeps. Our
    /// own arithmetic: Foundation's formatters stop at milliseconds and cost more per row.
    static func timestamp(_ date: Date) -> String {
        let micros = StoredTimestamp(date).microseconds + 946_684_800_000_000
        let (quotient, remainder) = micros.quotientAndRemainder(dividingBy: 86_400_000_000)
        let (days, dayMicros) = remainder < 0 ? (quotient - 1, remainder + 86_400_000_000) : (quotient, remainder)
        // Days since 1970-01-01 to year, month and day (Howard Hinnant's civil_from_days).
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        let seconds = dayMicros / 1_000_000
        func padded(_ value: Int64, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(padded(year, 4))-\(padded(month, 2))-\(padded(day, 2)) "
            + "\(padded(seconds / 3_600, 2)):\(padded(seconds / 60 % 60, 2)):\(padded(seconds % 60, 2)).\(padded(dayMicros % 1_000_000, 6))+00"
    }
}
