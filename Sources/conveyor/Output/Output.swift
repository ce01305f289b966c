import Conveyor
import Foundation

/// How commands print: tables for people, one JSON document for scripts.
enum Output {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static func json(_ value: some Encodable) throws {
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    /// Prints rows as aligned columns under a header.
    static func table(_ header: [String], _ rows: [[String]]) {
        var widths = header.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        print(line(header))
        for row in rows { print(line(row)) }
    }

    static func time(_ date: Date?) -> String {
        guard let date else { return "-" }
        return date.formatted(.iso8601)
    }

    static func describe(_ job: Job) -> String {
        var lines = [
            "id:           \(job.id)",
            "kind:         \(job.kind)",
            "queue:        \(job.queue)",
            "state:        \(job.state.rawValue)",
            "priority:     \(job.priority)",
            "attempt:      \(job.attempt) of \(job.maxAttempts)",
            "args:         \(job.args.text)",
            "meta:         \(job.meta.text)",
            "tags:         \(job.tags.joined(separator: ", "))",
            "inserted at:  \(time(job.insertedAt))",
            "scheduled at: \(time(job.scheduledAt))",
            "attempted at: \(time(job.attemptedAt))",
            "finished at:  \(time(job.finishedAt))",
            "attempted by: \(job.attemptedBy ?? "-")",
        ]
        if let progress = job.progress { lines.append("progress:     \(Int(progress * 100))%") }
        if !job.errors.isEmpty {
            lines.append("errors:")
            for error in job.errors { lines.append("  attempt \(error.attempt) at \(time(error.at)): \(error.message)") }
        }
        return lines.joined(separator: "\n")
    }
}
