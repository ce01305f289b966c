package import Foundation

/// A row a pass took: its id as text, and the failures it had before.
package struct ClaimedRow: Sendable, Hashable {
    package var id: String
    package var retries: Int

    package init(id: String, retries: Int) {
        self.id = id
        self.retries = retries
    }
}

/// What a pass writes into a row whose function threw (a completed row is written with
/// ``RowLoopStore/completeRows(_:ids:)``). Both stores write it as it is, so what a failure
/// means for a row is decided here.
package enum RowUpdate: Sendable, Hashable {
    /// Status `queued` again, to be taken at `at` or later.
    case retry(at: Date, retries: Int, message: String)
    /// Status `error`, for good.
    case fail(retries: Int, message: String)

    /// The update after `row` ran and threw `error` at `now`.
    package init(_ row: ClaimedRow, error: any Error, loop: RowLoop, now: Date) {
        let retries = row.retries + 1
        let message = JobErrorEntry(attempt: retries, at: now, message: "\(error)").message
        if retries > loop.maxRetries {
            self = .fail(retries: retries, message: message)
        } else {
            let wait = loop.backoff.delay(afterAttempt: retries)
            self = .retry(at: InstantRange.clamp(now.addingTimeInterval(wait.seconds)), retries: retries, message: message)
        }
    }
}

/// A value a row loop writes into a column.
package enum RowValue: Sendable, Hashable {
    case text(String)
    case integer(Int64)
    case time(Date)
    case null
}

extension RowLoop {
    /// The columns a failed row's update sets, with their values, the status first.
    package func assignments(_ update: RowUpdate) -> [(column: String, value: RowValue)] {
        let (status, message, retries, next): (String, String, Int, RowValue) = switch update {
        case .retry(let at, let retries, let message): (statuses.queued, message, retries, .time(at))
        case .fail(let retries, let message): (statuses.error, message, retries, .null)
        }
        return [(columns.status, .text(status))] + [
            (columns.error, .text(message)), (columns.retryCount, .integer(Int64(retries))), (columns.nextRetryAt, next),
        ].compactMap { column, value in column.map { ($0, value) } }
    }

    /// The columns a completed row's update sets: the status, and the error and next-retry
    /// times cleared.
    package var completion: [(column: String, value: RowValue)] {
        [(columns.status, .text(statuses.complete))]
            + [columns.error, columns.nextRetryAt].compactMap { $0.map { ($0, RowValue.null) } }
    }
}

/// The statements a row loop needs from the store that shares the application's database.
package protocol RowLoopStore: Sendable {
    /// Checks that the table and every column the loop names exist, against the database's
    /// catalogue.
    /// - Throws: ``ConveyorError`` (`invalidInput`) naming the field (`table`, `columns.status`, …).
    func checkRowLoop(_ loop: RowLoop) async throws

    /// Puts rows left `processing` back to `queued`, in one statement that first checks no
    /// pass of the loop but `passID` is `executing`: a pass that is running keeps its rows.
    /// Returns how many.
    func requeueProcessingRows(_ loop: RowLoop, passID: Int64) async throws -> Int

    /// Marks up to `batchSize` due `queued` rows `processing`, race-free across nodes, and
    /// returns them in the loop's order.
    func claimRows(_ loop: RowLoop, now: Date) async throws -> [ClaimedRow]

    /// Writes `update` into the row with `id` if it is still `processing`.
    func finishRow(_ loop: RowLoop, id: String, _ update: RowUpdate) async throws

    /// Writes ``RowUpdate/complete`` into every row of `ids` that is still `processing`, in one
    /// statement.
    func completeRows(_ loop: RowLoop, ids: [String]) async throws
}
