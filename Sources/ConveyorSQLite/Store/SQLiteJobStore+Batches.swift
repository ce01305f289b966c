package import Conveyor
package import Foundation

extension SQLiteJobStore {
    package func insertBatch(_ jobs: [JobInsert], callback: BatchCallback, now: Date) throws -> (Batch, [InsertResult]) {
        let (batch, results) = try storage("inserting a batch") {
            try connection.writeTransaction {
                guard let batch = try connection.query(SQLiteSQL.insertBatch(callback, total: jobs.count, now: now), connection.readBatch).first else {
                    throw ConveyorError(.storage, "the new batch's row did not come back")
                }
                var members = jobs
                for index in members.indices { members[index].batchID = batch.id }
                return (batch, try connection.insertJobs(members, now: now))
            }
        }
        signalAvailable(results)
        return (batch, results)
    }

    package func deleteBatches(endedBefore: Date, limit: Int) throws -> Int {
        try storage("pruning batches") { try connection.writeTransaction { try connection.run(SQLiteSQL.deleteBatches(endedBefore: endedBefore, limit: limit)) } }
    }

    package func batch(id: Int64) throws -> Batch? {
        try storage("reading a batch") { try connection.query(SQLiteSQL.batch(id: id), connection.readBatch).first }
    }

    package func batches(beforeID: Int64?, limit: Int) throws -> [Batch] {
        try storage("listing batches") { try connection.query(SQLiteSQL.batches(beforeID: beforeID, limit: limit), connection.readBatch) }
    }
}

extension SQLiteConnection {
    func readBatch(_ row: SQLiteStatement) throws -> Batch {
        Batch(
            id: row.int64(0), total: row.int(2), completed: row.int(3), discarded: row.int(4), cancelled: row.int(5),
            callback: try StoreCoding.decoder.decode(BatchCallback.self, from: Data(row.text(1).utf8)),
            createdAt: SQLiteCoding.date(row.int64(6)), finishedAt: row.optionalInt64(7).map(SQLiteCoding.date),
            callbackJobID: row.optionalInt64(8))
    }

    /// Stores `effects` in the current transaction: moves the batches' counts, adds the
    /// callback of each batch that ends, inserts every job, records the schedules' runs.
    /// Returns what was inserted.
    @discardableResult
    func store(_ effects: FinalEffects, now: Date) throws -> [InsertResult] {
        guard !effects.isEmpty else { return [] }
        var inserts = effects.inserts
        var ended: [Int64] = []
        for change in effects.batchChanges {
            guard let callback = try query(SQLiteSQL.changeBatch(change), readBatch).first?.callbackDue() else { continue }
            inserts.append(callback)
            ended.append(change.batchID)
        }
        let results = try insertJobs(inserts, now: now)
        for (batchID, callback) in zip(ended, results.suffix(ended.count)) {
            try run(SQLiteSQL.finishBatch(batchID, callbackJobID: callback.job.id, now: now))
        }
        for run in effects.scheduleRuns { try record(run, now: now) }
        return results
    }
}
