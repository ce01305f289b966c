import PostgresNIO

/// Whether the connection's session is gone with `error`: the server ended it (severity FATAL
/// or PANIC, as `pg_terminate_backend` or a shutdown does), or the socket or the protocol broke.
/// A statement's own error (severity ERROR) leaves the session usable.
func endsSession(_ error: any Error) -> Bool {
    switch error {
    case let error as PSQLError:
        switch error.code {
        case .server:
            let severity = error.serverInfo?[.severity]
            return severity == "FATAL" || severity == "PANIC"
        case .clientClosedConnection, .serverClosedConnection, .connectionError, .uncleanShutdown,
             .messageDecodingFailure, .unexpectedBackendMessage:
            return true
        default:
            return false
        }
    case let error as PostgresTransactionError:
        return [error.beginError, error.closureError, error.rollbackError, error.commitError].contains { $0.map(endsSession) ?? false }
    default:
        return false
    }
}
