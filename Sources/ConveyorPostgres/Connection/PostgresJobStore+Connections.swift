import Conveyor
import Logging
import PostgresNIO

extension PostgresJobStore {
    /// A connection that is still open: a query on one that closed would never answer (see
    /// ``withAnswerDeadline(_:on:_:)``), so a closed one fails at once and the caller retries.
    /// Before the store's pool runs, it waits for it (at most the answer timeout). A kept
    /// connection (``KeptConnections``) when one is free, else one from the pool.
    ///
    /// A connection that failed with its session (the server ended it, or the socket broke) is
    /// closed before it goes back. Given back while it closes, the pool could lease it at once to
    /// another call, whose query written an instant before the close would never be answered: a
    /// claim would wait out the whole answer timeout. Once the close has completed, the pool has
    /// let the connection go.
    func withConnection<T>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await poolStart.wait(atMost: answerTimeout, on: timers)
        while let kept = keptConnections?.take() {
            let connection = kept.connection
            // Closed while it was free (a server restart): let it go and look again.
            guard !connection.isClosed else {
                keptConnections?.giveBack(kept, broken: true)
                continue
            }
            do {
                let result = try await body(connection)
                keptConnections?.giveBack(kept, broken: false)
                return result
            } catch {
                let broken = endsSession(error) || connection.isClosed
                if broken { await Self.closeCompletely(connection) }
                keptConnections?.giveBack(kept, broken: broken)
                throw error
            }
        }
        return try await leasedFromPool(body)
    }

    /// ``withConnection(_:)`` on a connection leased from the pool for this call alone: for the
    /// listener, which holds its connection for as long as it listens.
    func withPoolConnection<T>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await poolStart.wait(atMost: answerTimeout, on: timers)
        return try await leasedFromPool(body)
    }

    /// `body` on a connection leased from the running pool, closed before it goes back if its
    /// session ended.
    private func leasedFromPool<T>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await client.withConnection { connection in
            guard !connection.isClosed else {
                throw ConveyorError(.storage, "the pooled PostgreSQL connection had closed (the server restarted or dropped it)")
            }
            do {
                return try await body(connection)
            } catch where endsSession(error) {
                await Self.closeCompletely(connection)
                throw error
            }
        }
    }

    /// Closes `connection` and returns once the close has completed: `close()` returns at once
    /// for a connection already on its way out, and the pool hears of it only at completion.
    private static func closeCompletely(_ connection: PostgresConnection) async {
        try? await connection.close()
        try? await connection.closeFuture.get()
    }

    func withTransaction<T>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await withConnection { connection in
            try await connection.withTransaction(logger: logger) { try await body($0) }
        }
    }

    /// Runs one statement and reads all its rows before the connection goes back to the pool.
    func rows(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await withConnection { try await $0.query(query, logger: logger).collect() }
    }

    /// Runs a hot-path statement: prepared on the store's own pool, unnamed on a client it was handed.
    func rows<Statement: HotStatement>(_ statement: Statement.Type, _ binds: PostgresBindings) async throws -> [PostgresRow] {
        guard preparesStatements else { return try await rows(Statement.unnamed(sql, binds)) }
        return try await withConnection { connection in
            var rows: [PostgresRow] = []
            for try await row in try await connection.execute(Statement(bindings: binds), logger: logger) { rows.append(row) }
            return rows
        }
    }

    func execute(_ query: PostgresQuery) async throws {
        _ = try await rows(query)
    }

    func jobs(_ query: PostgresQuery) async throws -> [Job] {
        try Self.readJobs(await rows(query))
    }

    func notify(_ message: NodeMessage) async throws {
        try await execute(sql.notify(message))
    }
}
