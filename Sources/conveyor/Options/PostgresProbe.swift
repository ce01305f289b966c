import Conveyor
import ConveyorPostgres
import Foundation
import Logging
import PostgresNIO

/// One direct connection before the pool starts, so that a server which answers "no such
/// database" or "password authentication failed" is reported with its own words at once. The
/// pool would keep retrying such a connection, and its first query would only time out.
struct PostgresProbe {
    let configuration: PostgresConfiguration
    /// The URL's `sslmode`: the pool's TLS setting cannot be read back.
    let sslMode: String

    var target: String { "\(configuration.client.host ?? "?"):\(configuration.client.port ?? 5432)" }

    /// - Throws: ``ConveyorError`` (`storage`, field `database`) saying what the server or the
    ///   network answered.
    func check(within limit: Duration) async throws {
        let client = configuration.client
        let tls: PostgresConnection.Configuration.TLS = switch sslMode {
        case "require": .require(try .init(configuration: .makeClientConfiguration()))
        case "prefer": .prefer(try .init(configuration: .makeClientConfiguration()))
        default: .disable
        }
        let connection = PostgresConnection.Configuration(
            host: client.host ?? "localhost", port: client.port ?? 5432, username: client.username,
            password: client.password, database: client.database, tls: tls)
        var logger = Logger(label: "conveyor.postgres.probe")
        logger.logLevel = .critical
        do {
            try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask { [connection, logger] in
                    try await PostgresConnection.connect(configuration: connection, id: 0, logger: logger).close()
                    return true
                }
                group.addTask {
                    try await Task.sleep(for: limit)
                    return false
                }
                defer { group.cancelAll() }
                guard try await group.next() == true else {
                    throw ConveyorError(.storage, field: "database", "PostgreSQL at \(target) did not answer within \(limit); is it running?")
                }
            }
        } catch let error as PSQLError {
            if let state = error.serverInfo?[.sqlState], let message = error.serverInfo?[.message] {
                throw ConveyorError(.storage, field: "database", "PostgreSQL at \(target) refused the connection: \(message) (SQLSTATE \(state))")
            }
            throw ConveyorError(.storage, field: "database", "cannot connect to PostgreSQL at \(target) (\(error.code)); is it running?")
        }
    }
}
