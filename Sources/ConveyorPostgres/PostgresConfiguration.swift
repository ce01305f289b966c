public import Conveyor
import Foundation
public import PostgresNIO

/// Where the PostgreSQL store connects and which schema holds its tables.
public struct PostgresConfiguration: Sendable {
    /// The connection settings handed to postgres-nio's `PostgresClient`. The store sets the
    /// connections' `search_path` to ``schema`` (its prepared statements name bare tables).
    public var client: PostgresClient.Configuration
    /// The schema for Conveyor's tables (created if missing). Letters, digits and `_`.
    public var schema: String
    /// How long the notification listener waits before reconnecting (doubling up to 30 s).
    public var reconnectDelay: Duration
    /// After this long without a notification the listener sends itself one, and a listener
    /// that does not hear it within as long again reconnects: a LISTEN connection can die
    /// without an error (a firewall dropping idle connections), leaving the node on polling.
    public var listenerCheckInterval: Duration
    /// How long a store operation waits for PostgreSQL to answer before it fails (and is
    /// retried by its caller). Generous: it exists for connections lost without a word.
    public var answerTimeout: Duration
    /// How long a producer lets more of its running jobs finish before claiming for fewer than
    /// half its slots (`JobStore.claimBatchingWait`). With short jobs it doubles the jobs per
    /// claim; a waiting job starts at most this much later. Zero claims at every free slot.
    public var claimBatchingWait: Duration
    /// The clock the store's waits run on: reconnect delays, the listener's checks, answer
    /// deadlines, event announcements. Tests may drive it by hand (`ManualClock` in
    /// ConveyorTesting).
    public var timerClock: any Clock<Duration>
    /// Well under one claim's round trip on a local server (1 – 3 ms), yet enough for a batch
    /// of short jobs to finish: at concurrency 100 it about doubles the jobs per claim.
    @usableFromInline static let defaultClaimBatchingWait: Duration = .microseconds(500)
    /// The defaults of the other settings, which a store on a handed-in client uses too.
    @usableFromInline static let defaultReconnectDelay: Duration = .seconds(1)
    @usableFromInline static let defaultListenerCheckInterval: Duration = .seconds(30)
    @usableFromInline static let defaultAnswerTimeout: Duration = .seconds(30)

    /// Settings for a store on a pool configured by `client`, its tables in `schema`; every other one has a default.
    public init(
        client: PostgresClient.Configuration, schema: String = "conveyor",
        reconnectDelay: Duration = Self.defaultReconnectDelay, listenerCheckInterval: Duration = Self.defaultListenerCheckInterval,
        answerTimeout: Duration = Self.defaultAnswerTimeout, claimBatchingWait: Duration = Self.defaultClaimBatchingWait,
        timerClock: any Clock<Duration> = ContinuousClock()
    ) {
        self.client = client
        self.schema = schema
        self.reconnectDelay = reconnectDelay
        self.listenerCheckInterval = listenerCheckInterval
        self.answerTimeout = answerTimeout
        self.claimBatchingWait = claimBatchingWait
        self.timerClock = timerClock
    }

    /// Parses `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?schema=NAME&sslmode=disable|prefer|require]`.
    ///
    /// - Throws: `ConveyorError` (`invalidInput`, field `database`) naming what is missing.
    public init(url: String) throws(ConveyorError) {
        guard let components = URLComponents(string: url), ["postgres", "postgresql"].contains(components.scheme ?? "") else {
            throw ConveyorError(.invalidInput, field: "database", "'\(Self.redacted(url))' is not a postgres:// URL")
        }
        guard let host = components.host, !host.isEmpty else {
            throw ConveyorError(.invalidInput, field: "database", "the PostgreSQL URL needs a host, as in postgres://user@localhost:5432/db")
        }
        guard let user = components.user, !user.isEmpty else {
            throw ConveyorError(.invalidInput, field: "database", "the PostgreSQL URL needs a user, as in postgres://user@\(host)/db")
        }
        let database = components.path.split(separator: "/").first.map(String.init)
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        let tls: PostgresClient.Configuration.TLS
        switch query["sslmode"] ?? "disable" {
        case "disable": tls = .disable
        case "prefer": tls = .prefer(.makeClientConfiguration())
        case "require": tls = .require(.makeClientConfiguration())
        case let mode: throw ConveyorError(.invalidInput, field: "database", "sslmode '\(mode)' is not disable, prefer or require")
        }
        var client = PostgresClient.Configuration(
            host: host, port: components.port ?? 5432, username: user, password: components.password, database: database, tls: tls)
        client.options.maximumConnections = 10
        // Each time a connection goes back to postgres-nio's pool, the pool starts an idle
        // timer and a keep-alive timer, and cancels them when it lends the connection again.
        // A cancelled timer's sleep is released only at its deadline, so at thousands of
        // loans a second the pending ones pile up for the whole timeout: tens of megabytes,
        // and a wake-up each when they expire. A short idle timeout bounds that pile; a
        // connection then never idles long enough for a firewall to drop it, so keep-alive
        // pings would never be sent: no keep-alive timer either.
        client.options.connectionIdleTimeout = .seconds(10)
        client.options.keepAliveBehavior = nil
        self.init(client: client, schema: query["schema"] ?? "conveyor")
        try Self.validateSchema(schema)
    }

    /// The schema's name and the durations: a zero or negative wait would spin (the
    /// listener's probes, its reconnects) or fail every operation at once.
    func validate() throws(ConveyorError) {
        try Self.validateSchema(schema)
        for (field, value) in [("reconnectDelay", reconnectDelay), ("listenerCheckInterval", listenerCheckInterval),
                               ("answerTimeout", answerTimeout)] where value <= .zero {
            throw ConveyorError(.invalidInput, field: field, "must be positive, got \(value)")
        }
        guard claimBatchingWait >= .zero else {
            throw ConveyorError(.invalidInput, field: "claimBatchingWait", "must be zero or positive, got \(claimBatchingWait)")
        }
    }

    static func validateSchema(_ schema: String) throws(ConveyorError) {
        let valid = !schema.isEmpty && schema.count <= 50 && schema.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_"
        } && !("0"..."9").contains(schema.unicodeScalars.first!)
        guard valid else {
            throw ConveyorError(.invalidInput, field: "schema", "'\(schema)' must be lowercase letters, digits and _, starting with a letter")
        }
    }

    /// The URL with any password replaced, for messages.
    static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? "postgres://…"
    }
}
