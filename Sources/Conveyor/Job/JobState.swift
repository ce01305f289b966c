/// Where a job is in its life.
///
/// The states are Oban's: `scheduled → available → executing → completed`. A failed attempt
/// goes to `retryable` (and back to `available` when its backoff has passed) or, out of
/// attempts, to `discarded`. `cancelled` can be reached from any state that is not final.
public enum JobState: String, Sendable, Codable, CodingKeyRepresentable, CaseIterable, Hashable, Comparable {
    /// Waiting for its `scheduledAt` time.
    case scheduled
    /// Ready to be claimed by a producer.
    case available
    /// Claimed by a node and running.
    case executing
    /// Failed an attempt; waits for its backoff time before it becomes `available` again.
    case retryable
    /// Finished successfully. Final.
    case completed
    /// Failed for the last time, or discarded by its worker. Final.
    case discarded
    /// Cancelled by a user or its worker. Final.
    case cancelled

    /// Whether the job will never run again on its own.
    public var isFinal: Bool {
        switch self {
        case .completed, .discarded, .cancelled: true
        case .scheduled, .available, .executing, .retryable: false
        }
    }

    /// The states a job can be in before it is final.
    public static let active: Set<JobState> = [.scheduled, .available, .executing, .retryable]

    /// The final states.
    public static let final: Set<JobState> = [.completed, .discarded, .cancelled]

    /// A stable order for listings: the order of a job's life.
    public static func < (lhs: JobState, rhs: JobState) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// Parses a state name, throwing an error that lists the valid names.
    public init(parsing name: String, field: String = "state") throws(ConveyorError) {
        guard let state = JobState(rawValue: name.lowercased()) else {
            throw ConveyorError(
                .invalidInput, field: field,
                "'\(name)' is not a job state; use one of \(JobState.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self = state
    }
}
