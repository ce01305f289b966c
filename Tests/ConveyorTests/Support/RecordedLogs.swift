import Logging
import Synchronization

/// Keeps what is logged through its loggers, so a test can check that a warning was given.
final class RecordedLogs: Sendable {
    private let entries = Mutex<[(level: Logger.Level, message: String)]>([])

    func logger(_ label: String) -> Logger {
        Logger(label: label) { _ in Handler(logs: self) }
    }

    func messages(atLeast level: Logger.Level) -> [String] {
        entries.withLock { $0.filter { $0.level >= level }.map(\.message) }
    }

    fileprivate func record(_ level: Logger.Level, _ message: String) {
        entries.withLock { $0.append((level, message)) }
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
            logs.record(event.level, "\(event.message)")
        }
    }
}
