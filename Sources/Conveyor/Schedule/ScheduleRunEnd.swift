package import Foundation

/// A schedule's run bookkeeping, as the store holds it: read and locked when a run ends, and
/// written back as ``ScheduleRunEnd`` leaves it.
package struct ScheduleRunRecord: Equatable, Sendable {
    package var active: Bool
    package var nextRunAt: Date?
    package var disabledReason: String?
    package var lastJobID: Int64?
    package var lastStatus: ScheduleRunStatus?
    package var consecutiveFailures: Int
    /// Deactivate after this many failures in a row; nil never does.
    package var maxFailures: Int?
    package var lastError: String?
    package var lastErrorAt: Date?

    package init(active: Bool, nextRunAt: Date?, disabledReason: String?, lastJobID: Int64?, lastStatus: ScheduleRunStatus?,
                 consecutiveFailures: Int, maxFailures: Int?, lastError: String?, lastErrorAt: Date?) {
        self.active = active
        self.nextRunAt = nextRunAt
        self.disabledReason = disabledReason
        self.lastJobID = lastJobID
        self.lastStatus = lastStatus
        self.consecutiveFailures = consecutiveFailures
        self.maxFailures = maxFailures
        self.lastError = lastError
        self.lastErrorAt = lastErrorAt
    }
}

/// What the end of one of a schedule's runs changes: the last status only for the latest run
/// (an older run ending late does not overwrite it), failures in a row for every run, and
/// deactivation once they reach the schedule's limit. Both stores write what this decides.
package enum ScheduleRunEnd {
    package static func apply(jobID: Int64, status: ScheduleRunStatus, error: String?, at now: Date,
                              to record: ScheduleRunRecord) -> ScheduleRunRecord {
        var record = record
        if record.lastJobID == jobID { record.lastStatus = status }
        switch status {
        case .failed:
            record.consecutiveFailures += 1
            record.lastError = error
            record.lastErrorAt = now
        case .completed:
            record.consecutiveFailures = 0
        case .enqueued, .cancelled, .skipped, .missed:
            break
        }
        if record.active, let limit = record.maxFailures, record.consecutiveFailures >= limit {
            record.active = false
            record.nextRunAt = nil
            record.disabledReason = "deactivated after \(record.consecutiveFailures) failed runs in a row; last error: \(record.lastError ?? "?")"
        }
        return record
    }
}
