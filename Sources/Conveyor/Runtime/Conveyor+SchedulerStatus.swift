public import Foundation

/// Whether schedules are being fired, and what fires next.
public struct SchedulerStatus: Sendable, Hashable, Codable {
    /// A schedule's next fire.
    public struct Fire: Sendable, Hashable, Codable {
        /// The schedule's name.
        public var schedule: String
        /// When it fires.
        public var at: Date
    }

    /// Some node is alive and no active schedule is more than a minute past its fire time.
    public var running: Bool
    /// Nodes that heartbeated recently (each fires schedules unless started with `--no-scheduler`).
    public var nodes: Int
    /// Active schedules, manual ones included.
    public var activeSchedules: Int
    /// Active schedules more than a minute past their fire time: no node is firing them (no
    /// node runs their kind, or the scheduler is off everywhere).
    public var overdue: [String]
    /// The next fires of the active schedules, soonest first.
    public var nextFires: [Fire]
}

extension Conveyor {
    /// The scheduler's state across nodes, with the next `count` fires.
    public func schedulerStatus(count: Int = 10) async throws -> SchedulerStatus {
        let now = clock.now()
        let schedules = try await schedules().filter(\.active)
        let nodes = try await self.nodes().count
        let overdue = schedules.filter { ($0.nextRunAt ?? .distantFuture) < now.addingTimeInterval(-60) }.map(\.name)
        let fires = schedules.flatMap { schedule in
            schedule.definition.recurrence.nextFires(after: now, in: schedule.definition.zone, count: count)
                .map { SchedulerStatus.Fire(schedule: schedule.name, at: $0) }
        }
        return SchedulerStatus(
            running: nodes > 0 && overdue.isEmpty, nodes: nodes, activeSchedules: schedules.count, overdue: overdue,
            nextFires: Array(fires.sorted { ($0.at, $0.schedule) < ($1.at, $1.schedule) }.prefix(count)))
    }
}
