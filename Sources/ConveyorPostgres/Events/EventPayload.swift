import Conveyor
import Foundation

/// Job events as NOTIFY payloads: `e:SENDER` then one line per event, fields separated by tabs.
/// PostgreSQL caps a payload below 8,000 bytes, so a batch is cut into as many as it takes.
enum EventPayload {
    static let prefix = "e:"
    static let maximumBytes = 7_800
    static let maximumMessageBytes = 500

    static func encode(_ events: [JobEvent], sender: String) -> [String] {
        let header = prefix + sender
        var payloads: [String] = []
        var current = header
        for event in events {
            let line = self.line(event)
            if current.utf8.count + 1 + line.utf8.count > maximumBytes, current != header {
                payloads.append(current)
                current = header
            }
            current += "\n"
            current += line
        }
        if current != header { payloads.append(current) }
        return payloads
    }

    /// Who sent an events payload, or nil if it is not one; read before the events so a node
    /// skips its own payloads without parsing them.
    static func sender(of payload: String) -> Substring? {
        guard payload.hasPrefix(prefix) else { return nil }
        let rest = payload.dropFirst(prefix.count)
        return rest[..<(rest.firstIndex(of: "\n") ?? rest.endIndex)]
    }

    /// The events of an events payload (lines that do not parse are skipped).
    static func events(in payload: String) -> [JobEvent] {
        payload.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().compactMap(event)
    }

    private static func line(_ event: JobEvent) -> String {
        let micros = Int64((event.at.timeIntervalSince1970 * 1_000_000).rounded())
        // Interpolated in one go, without an array of fields per event.
        return "\(event.kind.rawValue)\t\(event.jobID)\t\(event.attempt)\t\(event.queue)\t\(event.jobKind)\t"
            + "\(clean(event.node ?? "", limit: 200))\t\(micros)\t\(event.progress.map { String($0) } ?? "")\t"
            + clean(event.message ?? "", limit: maximumMessageBytes)
    }

    private static func event(_ line: Substring) -> JobEvent? {
        let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
        guard fields.count == 9, let kind = JobEvent.Kind(rawValue: String(fields[0])), let id = Int64(fields[1]),
              let attempt = Int(fields[2]), let micros = Int64(fields[6]) else { return nil }
        return JobEvent(
            kind: kind, jobID: id, jobKind: String(fields[4]), queue: String(fields[3]), attempt: attempt,
            at: Date(timeIntervalSince1970: Double(micros) / 1_000_000), progress: Double(fields[7]),
            message: fields[8].isEmpty ? nil : String(fields[8]), node: fields[5].isEmpty ? nil : String(fields[5]))
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
