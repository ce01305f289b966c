/// Makes an insert unique: while a job with the same key is in one of ``states``, inserting
/// again returns that job instead of a new one.
///
/// The store enforces it with a unique index, so concurrent inserts cannot both win. A
/// ``period`` divides time into buckets of that length; the key includes the bucket, so
/// "unique for 5 minutes" means "one per 5-minute bucket".
public struct UniqueOptions: Sendable, Hashable {
    /// What part of a job makes it a duplicate.
    public enum Basis: Sendable, Hashable {
        /// Kind, queue and the whole of the arguments.
        case args
        /// Kind, queue and only these top-level argument fields.
        case keys([String])
        /// Kind and queue only: one such job at a time.
        case kindOnly
        /// A key of your own, whatever the kind, queue and arguments (a schedule's fire uses
        /// `schedule:NAME@TIME`).
        case key(String)
    }

    /// What makes two jobs the same.
    public var basis: Basis
    /// How long a key holds; `nil` means for as long as a job with it is in ``states``.
    public var period: Duration?
    /// The states in which an existing job blocks a new one.
    public var states: Set<JobState>

    /// Jobs that are not final, plus completed ones (as Oban does by default).
    public static let defaultStates: Set<JobState> = [.scheduled, .available, .executing, .retryable, .completed]

    /// Jobs alike by `basis` within `period`, while the first is in one of `states`.
    public init(by basis: Basis = .args, period: Duration? = nil, states: Set<JobState> = UniqueOptions.defaultStates) {
        self.basis = basis
        self.period = period
        self.states = states
    }
}
