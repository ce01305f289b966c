public import PostgresNIO

/// A postgres-nio error described by what the server or the connection said: the driver's own
/// description hides everything (it may contain query values), which leaves an operator blind.
public struct PostgresFailure: Error, CustomStringConvertible {
    /// The driver's error, with the query and its values.
    public let error: PSQLError

    init(_ error: PSQLError) { self.error = error }

    /// What failed, as PostgreSQL said it.
    public var description: String {
        if let state = error.serverInfo?[.sqlState], let message = error.serverInfo?[.message] {
            return "PostgreSQL \(state): \(message)"
        }
        return "PostgreSQL connection: \(error.code)"
    }
}
