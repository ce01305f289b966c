import Conveyor
import ConveyorPostgres
import ConveyorSQLite
import Foundation
import Logging

/// `conveyor bench --row-loop-rows N`: a row loop with a no-op function over N queued rows of
/// a fresh table, passes run back to back, to set rows per second beside the job path.
struct RowLoopBench {
    let rows: Int
    let batchSize: Int

    struct Measured {
        let perSecond: Double
        let cpuPerRow: Double
    }

    func measure(on store: any JobStore, logger: Logger) async throws -> Measured {
        let table: String
        switch store {
        case let sqlite as SQLiteJobStore: table = try await sqlite.makeRowLoopBenchTable(rows: rows)
        case let postgres as PostgresJobStore: table = try await postgres.makeRowLoopBenchTable(rows: rows)
        default: throw ConveyorError(.invalidInput, field: "database", "the row loop bench runs on SQLite and PostgreSQL")
        }
        let conveyor = try await Conveyor(storingIn: store, configuration: ConveyorConfiguration(queues: [:], logger: logger))
        let loop = RowLoop(
            name: "bench", table: table, columns: .init(status: "status", error: "error", retryCount: "retry_count", nextRetryAt: "next_retry_at"),
            orderBy: "updated_at", batchSize: batchSize, every: .seconds(3_600))
        try await conveyor.register(loop) { _ in }
        let start = ContinuousClock.now
        let cpuBefore = ProcessUsage.cpuSeconds()
        var done = 0
        while done < rows {
            _ = try await conveyor.enqueue([JobInsert(kind: loop.kind)])
            let passes = try await conveyor.drain(queue: loop.queue, stage: false, limit: 1)
            guard case .object(let result)? = passes.first?.result, case .number(let taken)? = result["rows"], taken > 0 else {
                throw ConveyorError(.storage, "a row loop pass took no rows with \(rows - done) left: \(passes.first?.errors.last?.message ?? "no pass ran")")
            }
            done += Int(taken)
        }
        let seconds = (ContinuousClock.now - start).seconds
        return Measured(perSecond: Double(rows) / seconds, cpuPerRow: BenchCommand.cpuMicroseconds(since: cpuBefore, perJobOf: rows))
    }
}
