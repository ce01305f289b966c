/// How the SQLite store opens its database file.
public struct SQLiteConfiguration: Sendable {
    /// How hard SQLite works to make a commit survive power loss.
    public enum Synchronous: String, Sendable {
        /// WAL's usual choice: a commit survives a crash of the process; a power loss may
        /// lose the last commits but never corrupts the file.
        case normal = "NORMAL"
        /// Every commit is on disk before it returns: survives power loss, slower writes.
        case full = "FULL"
    }

    /// The database file; created if missing.
    public var path: String
    /// How durably each commit is written (`normal` in WAL mode survives a process crash).
    public var synchronous: Synchronous
    /// How long a write waits for another process's write lock before failing.
    public var busyTimeout: Duration
    /// The clock the store measures its reads on (how long finished-job counts are reused).
    public var timerClock: any Clock<Duration>

    /// A store on the file at `path`.
    public init(path: String, synchronous: Synchronous = .normal, busyTimeout: Duration = .seconds(10),
                timerClock: any Clock<Duration> = ContinuousClock()) {
        self.path = path
        self.synchronous = synchronous
        self.busyTimeout = busyTimeout
        self.timerClock = timerClock
    }
}
