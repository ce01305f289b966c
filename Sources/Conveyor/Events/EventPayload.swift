import Foundation

/// Job events as they travel between nodes (the body of ``NodeMessage/events(node:body:)``):
/// one line per event, fields separated by tabs. PostgreSQL caps a NOTIFY payload below 8,000
/// bytes, so a batch is cut into as many messages as it takes.
package enum EventPayload {
    static let maximumBytes = 7_800
    static let maximumMessageBytes = 500
    /// Tags and progress details travel when their JSON fits; a larger value is left out of
    /// the event (the job's row keeps it), so one event never outgrows a payload.
    static let maximumTagBytes = 1_000
    static let maximumDetailBytes = 2_000

    /// The messages that carry `events` from `sender`, as they travel.
    package static func encode(_ events: [JobEvent], sender: String) -> [String] {
        let budget = maximumBytes - NodeMessage.events(node: sender, body: "").text.utf8.count
        var bodies: [String] = []
        var current = ""
        for event in events {
            let line = self.line(event)
            if !current.isEmpty, current.utf8.count + 1 + line.utf8.count > budget {
                bodies.append(current)
                current = ""
            }
            if !current.isEmpty { current += "\n" }
            current += line
        }
        if !current.isEmpty { bodies.append(current) }
        return bodies.map { NodeMessage.events(node: sender, body: $0[...]).text }
    }

    /// `events` as lines, in one body of any length (a store that keeps them in a table).
    package static func lines(_ events: [JobEvent]) -> String {
        events.map(line).joined(separator: "\n")
    }

    /// The events of a message's body (lines that do not parse are skipped). Read as bytes: a
    /// watching node reads every event of every node, and splitting Strings cost more than
    /// running the jobs.
    package static func events(in body: Substring) -> [JobEvent] {
        var body = body
        return body.withUTF8 { bytes in
            var events: [JobEvent] = []
            let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            events.reserveCapacity(lines.count)
            for line in lines {
                if let event = event(line) { events.append(event) }
            }
            return events
        }
    }

    private static func line(_ event: JobEvent) -> String {
        let micros = InstantRange.microseconds(event.at, since: Date(timeIntervalSince1970: 0))
        // Interpolated in one go, without an array of fields per event.
        return "\(event.kind.rawValue)\t\(event.jobID)\t\(event.attempt)\t\(event.queue)\t\(event.jobKind)\t"
            + "\(clean(event.node ?? "", limit: 200))\t\(micros)\t\(event.progress.map { String($0) } ?? "")\t"
            + clean(event.message ?? "", limit: maximumMessageBytes) + "\t" + json(event.tags, limit: maximumTagBytes, empty: [])
            + "\t" + json(event.details, limit: maximumDetailBytes, empty: nil)
    }

    /// Compact JSON, which holds no tab or newline; empty when `value` is `empty` or too large.
    private static func json<T: Encodable & Equatable>(_ value: T, limit: Int, empty: T) -> String {
        guard value != empty, let data = try? encoder.encode(value), data.count <= limit else { return "" }
        return String(decoding: data, as: UTF8.self)
    }

    private static let encoder = JSONEncoder()

    private static func event(_ line: Slice<UnsafeBufferPointer<UInt8>>) -> JobEvent? {
        let fields = line.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false)
        // Nine fields from nodes that send no tags or details.
        guard fields.count == 9 || fields.count == 11, let kind = JobEvent.Kind(rawValue: text(fields[0])), let id = integer(fields[1]),
              let attempt = integer(fields[2]), let micros = integer(fields[6]) else { return nil }
        return JobEvent(
            kind: kind, jobID: id, jobKind: text(fields[4]), queue: text(fields[3]), attempt: Int(attempt),
            at: Date(timeIntervalSince1970: Double(micros) / 1_000_000),
            progress: fields[7].isEmpty ? nil : Double(text(fields[7])),
            message: fields[8].isEmpty ? nil : text(fields[8]), node: fields[5].isEmpty ? nil : text(fields[5]),
            tags: fields.count > 9 && !fields[9].isEmpty ? decoded([String].self, fields[9]) ?? [] : [],
            details: fields.count > 10 && !fields[10].isEmpty ? decoded(JSONValue.self, fields[10]) : nil)
    }

    private static func decoded<T: Decodable>(_ type: T.Type, _ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> T? {
        try? JSONDecoder().decode(type, from: Data(bytes))
    }

    private static func text(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    /// A decimal integer, optionally negative; nil if anything else is there or it overflows.
    private static func integer(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Int64? {
        var digits = bytes[...]
        let negative = digits.first == UInt8(ascii: "-")
        if negative { digits = digits.dropFirst() }
        guard !digits.isEmpty else { return nil }
        var value: Int64 = 0
        for byte in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            let (shifted, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (next, overflowB) = shifted.addingReportingOverflow(Int64(byte - UInt8(ascii: "0")))
            guard !overflowA, !overflowB else { return nil }
            value = next
        }
        return negative ? -value : value
    }

    /// Without the separators, and cut to `limit` bytes on a character boundary.
    private static func clean(_ text: String, limit: Int) -> String {
        // Most texts (node names, short messages) are printable ASCII that fits: as they are.
        if text.utf8.count <= limit, text.utf8.allSatisfy({ (0x20..<0x7F).contains($0) }) { return text }
        var cleaned = ""
        for character in text {
            let piece = character == "\t" || character.isNewline ? " " : String(character)
            guard cleaned.utf8.count + piece.utf8.count <= limit else { break }
            cleaned += piece
        }
        return cleaned
    }
}
