public import Foundation

/// A stored schedule: its definition and what happened when it last ran.
public struct Schedule: Sendable, Hashable {
    public var definition: ScheduleDefinition
    public var name: String { definition.name }
    /// Inactive schedules do not fire (they can still be triggered).
    public var active: Bool
    /// Why it was deactivated, when it deactivated itself after failures.
    public var disabledReason: String?
    public var nextRunAt: Date?
    public var lastRunAt: Date?
    public var lastStatus: ScheduleRunStatus?
    public var lastJobID: Int64?
    public var consecutiveFailures: Int
    public var lastError: String?
    public var lastErrorAt: Date?
    /// Fires skipped because the previous run had not finished (``OverlapPolicy/skip``) or
    /// because they were later than the misfire grace.
    public var skippedRuns: Int
    public var createdAt: Date
    public var updatedAt: Date

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
    case completed
    /// Its job was discarded after its attempts (or by the worker).
    case failed
    case cancelled
    /// Skipped: the previous run was still going (``OverlapPolicy/skip``).
    case skipped
    /// Skipped: it came later than the misfire grace allows.
    case missed
}
