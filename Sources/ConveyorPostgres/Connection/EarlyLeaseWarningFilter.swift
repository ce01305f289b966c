package import Logging

/// The store's own pool logs through this: the store's logger, less postgres-nio's warning
/// that a connection was leased before `PostgresClient.run()`. ``PoolStart`` holds every
/// operation until `runPool()` opens it, right before calling `run()`; the warning can then
/// only come from those few instructions, when the machine preempts the pool's thread in
/// between (3 of 60 CLI starts on a loaded two-core machine). Such a lease just waits for the
/// pool, so the warning would only alarm the reader of a CLI command's output.
package struct EarlyLeaseWarningFilter: LogHandler {
    package static let warning = "Trying to lease connection from `PostgresClient`, but `PostgresClient.run()` hasn't been called yet."

    private var wrapped: any LogHandler

    /// `logger`, less the warning.
    package static func wrapping(_ logger: Logger) -> Logger {
        var filtered = logger
        filtered.handler = EarlyLeaseWarningFilter(wrapped: logger.handler)
        return filtered
    }

    package func log(event: LogEvent) {
        if event.level == .warning, event.message.description == Self.warning { return }
        wrapped.log(event: event)
    }

    package var metadataProvider: Logger.MetadataProvider? {
        get { wrapped.metadataProvider }
        set { wrapped.metadataProvider = newValue }
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { wrapped[metadataKey: key] }
        set { wrapped[metadataKey: key] = newValue }
    }

    package var metadata: Logger.Metadata {
        get { wrapped.metadata }
        set { wrapped.metadata = newValue }
    }

    package var logLevel: Logger.Level {
        get { wrapped.logLevel }
        set { wrapped.logLevel = newValue }
    }
}
