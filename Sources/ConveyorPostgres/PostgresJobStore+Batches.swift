package import Conveyor
package import Foundation
import Logging
import PostgresNIO

extension PostgresJobStore {
    package func insertBatch(_ jobs: [JobInsert], callback: BatchCallback, now: Date) async throws -> (Batch, [InsertResult]) {
        try await storage("inserting a batch") { [self] in
            try await withTransaction { connection in
                guard let batch = try Self.readBatches(await connection.query(sql.insertBatch(callback, total: jobs.count, now: now), logger: logger).collect()).first else {
                    throw ConveyorError(.storage, "the new batch's row did not come back")
                }
                answerArrived()
                var members = jobs
                for index in members.indices { members[index].batchID = batch.id }
                let results = if preparesStatements, members.count >= Self.copyThreshold {
                    try await Self.insertByCopy(members, now: now, sql: sql, on: connection, logger: logger)
                } else {
                    try await Self.insertBulk(members, now: now, sql: sql, on: connection, logger: logger)
                }
                return (batch, results)
            }
        }
    }

    package func deleteBatches(endedBefore: Date, limit: Int) async throws -> Int {
        try await storage("pruning batches") { [self] in try await rows(sql.deleteBatches(endedBefore: endedBefore, limit: limit)).count }
    }

    package func batch(id: Int64) async throws -> Batch? {
        try await storage("reading a batch") { [self] in try Self.readBatches(await rows(sql.batch(id: id))).first }
    }

    package func batches(beforeID: Int64?, limit: Int) async throws -> [Batch] {
        try await storage("listing batches") { [self] in try Self.readBatches(await rows(sql.batches(beforeID: beforeID, limit: limit))) }
    }

    static func readBatches(_ rows: [PostgresRow]) throws -> [Batch] {
        try rows.map { row in
            var cells = CellReader(row)
            let id = try cells.next(Int64.self), callback = try cells.next(String.self)
            let total = try cells.next(Int32.self), completed = try cells.next(Int32.self)
            let discarded = try cells.next(Int32.self), cancelled = try cells.next(Int32.self)
            let createdAt = try cells.next(Date.self), finishedAt = try cells.next(Date?.self), callbackJobID = try cells.next(Int64?.self)
            return Batch(
                id: id, total: Int(total), completed: Int(completed), discarded: Int(discarded), cancelled: Int(cancelled),
                callback: try StoreCoding.decoder.decode(BatchCallback.self, from: Data(callback.utf8)),
                createdAt: createdAt, finishedAt: finishedAt, callbackJobID: callbackJobID)
        }
    }

    /// Stores `effects` in the caller's transaction: moves the batches' counts (locking their
    /// rows, in id order), records the schedules' runs, adds the callback of each batch that
    /// ends, inserts every job with its wake-up (sent at commit). Returns what was inserted.
    @discardableResult
    static func store(_ effects: FinalEffects, now: Date, sql: PostgresSQL, on connection: PostgresConnection, logger: Logger) async throws -> [InsertResult] {
        guard !effects.isEmpty else { return [] }
        var inserts = effects.inserts
        var ended: [Int64] = []
        for change in effects.batchChanges {
            let batch = try readBatches(await connection.query(sql.changeBatch(change), logger: logger).collect()).first
            answerArrived()
            guard let callback = batch?.callbackDue() else { continue }
            inserts.append(callback)
            ended.append(change.batchID)
        }
        for run in effects.scheduleRuns { try await record(run, now: now, sql: sql, on: connection, logger: logger) }
        guard !inserts.isEmpty else { return [] }
        let results = try await insertMayBeUnique(inserts, now: now, sql: sql, on: connection, logger: logger)
        answerArrived()
        for (batchID, callback) in zip(ended, results.suffix(ended.count)) {
            try await connection.query(sql.finishBatch(batchID, callbackJobID: callback.job.id, now: now), logger: logger)
            answerArrived()
        }
        return results
    }
}
