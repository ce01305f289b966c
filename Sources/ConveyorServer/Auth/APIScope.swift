/// What an API key may do; each scope includes the ones before it.
public enum APIScope: String, Sendable, Comparable, CaseIterable, Codable {
    /// Look: list and show jobs, queues, schedules, nodes; follow events.
    case read
    /// Act on jobs: enqueue, retry, cancel; trigger schedules.
    case write
    /// Change the system: delete jobs, pause, resume and limit queues, manage schedules.
    case admin

    public static func < (lhs: APIScope, rhs: APIScope) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
