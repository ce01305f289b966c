import Foundation
import Logging
import Synchronization

/// Keeps what is logged through its loggers, so a test can check that a warning was given.
final class RecordedLogs: Sendable {
    private let entries = Mutex<[(level: Logger.Level, message: String, at: Date, metadata: String)]>([])

    func logger(_ label: String) -> Logger {
        Logger(label: label) { _ in Handler(logs: self) }
    }

    func messages(atLeast level: Logger.Level) -> [String] {
        entries.withLock { $0.filter { $0.level >= level }.map(\.message) }
    }

    /// Each message with its time, level and metadata: for a failing test's report.
    func timeline(atLeast level: Logger.Level) -> [String] {
        entries.withLock { $0.filter { $0.level >= level }.map { "\($0.at.timeIntervalSince1970) \($0.level) \($0.message) \($0.metadata)" } }
    }

    fileprivate func record(_ level: Logger.Level, _ message: String, metadata: String) {
        entries.withLock { $0.append((level, message, Date(), metadata)) }
    }

    private struct Handler: LogHandler {
        let logs: RecordedLogs
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            logs.record(event.level, "\(event.message)", metadata: merged.isEmpty ? "" : "\(merged)")
        }
    }
}
