import Conveyor
import Foundation
import Logging
import PostgresNIO

extension PostgresJobStore {
    /// From this many jobs on, a batch without uniqueness is streamed with `COPY`: its two
    /// extra round trips (the id draw and the NOTIFY) then cost less than waiting for every
    /// row to be encoded before the server starts, as the one `INSERT` must. Against the
    /// `INSERT`, `COPY` was slower below 1,000 jobs a call (0.8× at 500), equal at 1,000, and
    /// faster above (1.2× at 10,000).
    static let copyThreshold = 1_000

    /// Jobs without uniqueness, streamed with `COPY jobs FROM STDIN`: the server stores the
    /// first rows while the client is still writing the rest. One statement, so the batch is
    /// stored whole or not at all. Ids are drawn first, so nothing needs reading back.
    ///
    /// Needs a connection whose `search_path` finds the store's schema (postgres-nio quotes
    /// the table name as given).
    static func insertByCopy(_ jobs: [JobInsert], now: Date, sql: PostgresSQL, on connection: PostgresConnection, logger: Logger) async throws -> [InsertResult] {
        let plan = InsertPlan(jobs, now: now)
        let drawn = try await connection.query(sql.drawIDs(jobs.count), logger: logger).collect()
        let ids = try drawn.first?.decode([Int64]?.self) ?? []
        guard ids.count == jobs.count else { throw ConveyorError(.storage, "drew \(ids.count) ids for \(jobs.count) jobs") }

        // The answer is built while the server stores the rows written so far.
        var results: [InsertResult] = []
        results.reserveCapacity(jobs.count)
        var rows = CopyRows(for: jobs, now: plan.now)
        try await connection.copyFrom(table: "jobs", columns: rows.columns, logger: logger) { writer in
            for index in jobs.indices {
                rows.append(id: ids[index], jobs[index], state: plan.states[index], scheduledAt: plan.scheduled[index])
                if rows.isFull { try await writer.write(rows.take()) }
                results.append(plan.inserted(index, id: ids[index]))
            }
            if !rows.isEmpty { try await writer.write(rows.take()) }
        }
        // The jobs are stored: a lost wake-up only delays them to the nodes' next poll, so it
        // must not make the caller believe the insert failed (and enqueue them again).
        let wake = plan.queuesToWake
        if !wake.isEmpty {
            do {
                try await connection.query(sql.notifyEach(wake.map { NodeMessage.jobsAvailable(queue: $0).text }), logger: logger)
            } catch {
                logger.warning("new jobs are stored but other nodes could not be woken; they find them at their next poll", metadata: [
                    "error": "\((error as? PSQLError).map { "\(PostgresFailure($0))" } ?? "\(error)")",
                ])
            }
        }
        return results
    }
}
