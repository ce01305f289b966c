import Foundation
import Logging
import Synchronization

extension Conveyor {
    /// Registers a row loop and the function it runs per row (given the row's id as text),
    /// and declares its schedule. Call before ``run()``, on every node that may run passes.
    ///
    /// A loop whose ``RowLoop/disabledBecause`` is set is not registered: the reason is logged
    /// at warning level and nothing runs.
    ///
    /// - Throws: ``ConveyorError`` (`invalidInput`) naming the field: a name that is not an
    ///   identifier, a table or column the database does not have, a batch size out of range.
    public func register(_ loop: RowLoop, process: @escaping @Sendable (String) async throws -> Void) async throws {
        try loop.validate()
        if let reason = loop.disabledBecause {
            logger.warning("row loop disabled", metadata: ["row_loop": "\(loop.name)", "reason": "\(reason)"])
            return
        }
        try await store.checkRowLoop(loop)
        if configuration.queues[loop.queue] == nil {
            logger.warning("row loop's queue is not run by this node; its passes run on nodes that run it", metadata: [
                "row_loop": "\(loop.name)", "queue": "\(loop.queue)",
            ])
        }
        let options = JobOptions(queue: loop.queue, maxAttempts: 3, backoff: .fixed(.seconds(1)))
        workers.withLock {
            $0[loop.kind] = AnyWorker(kind: loop.kind, options: options) { [self] _, context in
                try await runPass(loop, process: process, context: context)
            }
        }
        rowLoopSchedules.withLock { schedules in
            schedules.removeAll { $0.name == loop.kind }
            schedules.append(ScheduleDefinition(
                name: loop.kind, kind: loop.kind, recurrence: loop.recurrence, queue: loop.queue,
                description: "passes of row loop \(loop.name) over \(loop.table)", overlap: .skip,
                misfireGrace: loop.misfireGrace, maxConsecutiveFailures: nil))
        }
    }

    /// Completed rows are written together, up to this many in one statement: a failure is
    /// written at once, with its message. Rows whose completion is not written yet when a node
    /// dies run again, as a job whose outcome was not stored does.
    static var rowCompletionBatch: Int { 100 }

    /// One pass: rows a stopped pass left go back to queued (unless another pass of the loop
    /// is running), then up to a batch of due rows are taken and run one after another.
    func runPass(_ loop: RowLoop, process: @Sendable (String) async throws -> Void, context: JobContext) async throws {
        let metadata: Logger.Metadata = ["row_loop": "\(loop.name)", "job.id": "\(context.job.id)"]
        let requeued = try await store.requeueProcessingRows(loop, passID: context.job.id)
        if requeued > 0 {
            logger.warning("rows a stopped pass left processing are queued again", metadata: metadata.merging(["rows": "\(requeued)"]) { $1 })
        }
        let rows = try await store.claimRows(loop, now: clock.now())
        var completed: [String] = [], failed = 0, written = 0
        do {
            for row in rows {
                try Task.checkCancellation()
                do {
                    try await process(row.id)
                    completed.append(row.id)
                } catch is CancellationError {
                    throw CancellationError()
                } catch {
                    failed += 1
                    try await store.finishRow(loop, id: row.id, RowUpdate(row, error: error, loop: loop, now: clock.now()))
                }
                if completed.count - written >= Self.rowCompletionBatch {
                    try await store.completeRows(loop, ids: Array(completed[written...]))
                    written = completed.count
                }
            }
        } catch {
            // Rows that completed before a shutdown keep their outcome; the rest wait for the
            // next pass, which puts them back to queued.
            if written < completed.count { try? await store.completeRows(loop, ids: Array(completed[written...])) }
            throw error
        }
        if written < completed.count { try await store.completeRows(loop, ids: Array(completed[written...])) }
        logger.info("row loop pass finished", metadata: metadata.merging(["rows": "\(rows.count)", "completed": "\(completed.count)", "failed": "\(failed)"]) { $1 })
        try context.setResult(["rows": rows.count, "completed": completed.count, "failed": failed])
    }
}
