public import Foundation

/// A stored schedule: its definition and what happened when it last ran.
public struct Schedule: Sendable, Hashable {
    /// What the schedule runs and when.
    public var definition: ScheduleDefinition
    /// The schedule's name, unique among schedules.
    public var name: String { definition.name }
    /// Inactive schedules do not fire (they can still be triggered).
    public var active: Bool
    /// Why it was deactivated, when it deactivated itself after failures.
    public var disabledReason: String?
    /// When it fires next; nil for a manual or inactive schedule.
    public var nextRunAt: Date?
    /// When it last fired.
    public var lastRunAt: Date?
    /// What became of its last fire's job.
    public var lastStatus: ScheduleRunStatus?
    /// The job its last fire inserted.
    public var lastJobID: Int64?
    /// Runs that failed in a row; at ``ScheduleDefinition/maxConsecutiveFailures`` it is deactivated.
    public var consecutiveFailures: Int
    /// The error of its last failed run.
    public var lastError: String?
    /// When its last run failed.
    public var lastErrorAt: Date?
    /// Fires skipped because the previous run had not finished (``OverlapPolicy/skip``) or
    /// because they were later than the misfire grace.
    public var skippedRuns: Int
    /// When it was created.
    public var createdAt: Date
    /// When its definition or state last changed.
    public var updatedAt: Date

    /// A schedule as a store reads it back.
    public init(definition: ScheduleDefinition, active: Bool, disabledReason: String? = nil, nextRunAt: Date?, lastRunAt: Date? = nil,
                lastStatus: ScheduleRunStatus? = nil, lastJobID: Int64? = nil, consecutiveFailures: Int = 0, lastError: String? = nil,
                lastErrorAt: Date? = nil, skippedRuns: Int = 0, createdAt: Date, updatedAt: Date) {
        self.definition = definition
        self.active = active
        self.disabledReason = disabledReason
        self.nextRunAt = nextRunAt
        self.lastRunAt = lastRunAt
        self.lastStatus = lastStatus
        self.lastJobID = lastJobID
        self.consecutiveFailures = consecutiveFailures
        self.lastError = lastError
        self.lastErrorAt = lastErrorAt
        self.skippedRuns = skippedRuns
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// What became of a schedule's latest fire.
public enum ScheduleRunStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Its job was inserted and has not finished.
    case enqueued
    /// Its job completed.
    case completed
    /// Its job was discarded after its attempts (or by the worker).
    case failed
    /// Its job was cancelled.
    case cancelled
    /// Skipped: the previous run was still going (``OverlapPolicy/skip``).
    case skipped
    /// Skipped: it came later than the misfire grace allows.
    case missed
}
