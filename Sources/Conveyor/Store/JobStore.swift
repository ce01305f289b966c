package import Foundation

/// Durable storage for jobs: what every backend (SQLite, PostgreSQL) must do.
///
/// Every method is atomic: it either happens completely or not at all. Times come from the
/// caller, so a test clock controls staging, backoff and pruning. Every store stores schedules
/// and signals its producers; carrying events to other nodes is optional (``eventSharing``).
///
/// Package API: applications pass a `SQLiteJobStore` or a `PostgresJobStore` to `Conveyor`
/// and never call a store themselves.
package protocol JobStore: ScheduleStore, JobStoreSignals, RowLoopStore {
    /// Creates or upgrades the schema. Safe to call on every start and from several processes.
    func migrate() async throws

    /// Inserts jobs in one transaction. A unique job whose key is taken returns the existing
    /// job with `isDuplicate` set. Results are in the order of `jobs`.
    func insert(_ jobs: [JobInsert], now: Date) async throws -> [InsertResult]

    /// Moves up to `limit` available jobs of `queue` to `executing` for `node`, highest
    /// priority first, then oldest `scheduledAt`, then lowest id; increments their attempt.
    /// Returns nothing while the queue is paused.
    func claim(queue: String, limit: Int, node: String, now: Date) async throws -> [Job]

    /// Inserts `jobs` as a new batch whose end enqueues `callback`, in one transaction. The
    /// jobs are valid and not unique.
    func insertBatch(_ jobs: [JobInsert], callback: BatchCallback, now: Date) async throws -> (Batch, [InsertResult])

    /// Deletes up to `limit` batches that ended before `endedBefore`. Returns how many.
    func deleteBatches(endedBefore: Date, limit: Int) async throws -> Int

    /// The batch with `id`, or nil.
    func batch(id: Int64) async throws -> Batch?

    /// Batches with ids below `beforeID` (if given), newest first, at most `limit`.
    func batches(beforeID: Int64?, limit: Int) async throws -> [Batch]

    /// Records outcomes of attempts. An acknowledgement whose job is no longer `executing` in
    /// the same attempt on the same node is ignored (attempt fencing). Returns the ids applied.
    /// A retry or snooze whose time has come is stored as `available` at once; the caller
    /// wakes its own producers for those (other processes see them at their next poll).
    ///
    /// A final outcome stores its ``FinalEffects`` in the same transaction: the follow-ups of
    /// a completion, the jobs the job's hooks enqueue, its batch's counts and, when the batch
    /// ends, the batch's callback. `cancel`, `retry` and `delete` do the same for their change.
    func acknowledge(_ acks: [JobAck], now: Date) async throws -> Acknowledged

    /// Saves progress into the job's meta, if the attempt is still current.
    func recordProgress(_ attempt: JobAttempt, _ progress: JobProgress) async throws

    /// The job with `id`, or nil.
    func job(id: Int64) async throws -> Job?

    /// Jobs matching `filter`, newest first.
    func jobs(matching filter: JobFilter) async throws -> [Job]

    /// How many jobs match `filter` (its cursor counts; its limit does not).
    func countJobs(matching filter: JobFilter) async throws -> Int

    /// Makes a `retryable`, `discarded`, `cancelled` or `completed` job `available` now,
    /// giving it one more attempt if it had none left.
    /// - Throws: `notFound`, or `conflict` if it is `executing`, `scheduled` or `available`.
    func retry(id: Int64, now: Date) async throws -> Job

    /// Cancels a job that is not final. An executing job's node stops it on its next signal
    /// or heartbeat; its late acknowledgement is ignored.
    /// - Throws: `notFound`, or `conflict` if the job is already final.
    func cancel(id: Int64, reason: String, now: Date) async throws -> Job

    /// Deletes a job that is not executing.
    /// - Throws: `notFound`, or `conflict` if it is executing (cancel it first).
    func delete(id: Int64, now: Date) async throws -> Job

    /// Counts by state and the paused flag of every queue that has jobs or settings.
    ///
    /// Counts of unfinished states are exact. Counts of final states grow with retention, so a
    /// store may answer them from its last count for a multiple of what that count cost.
    func queueSummaries() async throws -> [QueueSummary]

    /// Jobs of `queue` completed or discarded at or after `since`: all of them counted per
    /// minute, and the waits of the newest `waits` of them.
    func finishedActivity(queue: String, since: Date, waits: Int) async throws -> FinishedActivity

    /// Pauses or resumes a queue on every node.
    func setPaused(_ paused: Bool, queue: String, now: Date) async throws

    /// Stores `limits` for `queue` (replacing any), effective at every node's next claim.
    /// Claims must honour them without races: concurrent claims on any number of nodes never
    /// start more jobs than the limits allow.
    func setLimits(_ limits: QueueLimits, queue: String, now: Date) async throws

    /// Stores `retention` for `queue` (replacing any; nil removes it), used by the next
    /// pruning pass of whichever node prunes.
    func setRetention(_ retention: QueueRetention?, queue: String, now: Date) async throws

    /// Every queue's stored settings: pause, limits, retention.
    func queueSettings() async throws -> [QueueSettings]

    /// Stores what each kind's worker gives new jobs, replacing earlier declarations.
    func declareKinds(_ kinds: [DeclaredKind]) async throws

    /// The last declaration of `kind`, or nil if no node declared it.
    func declaredKind(_ kind: String) async throws -> DeclaredKind?

    /// Records that `node` is alive.
    func heartbeat(_ node: NodeRecord) async throws

    /// Removes a node that stopped cleanly.
    func removeNode(name: String) async throws

    /// Nodes that have heartbeated, most recent first.
    func nodes() async throws -> [NodeRecord]

    /// The attempts the store holds as `executing` on `node`. The node compares them with what
    /// it runs: attempts it runs that are missing were cancelled or rescued elsewhere (it stops
    /// them); attempts it does not run were claimed but never reached it (it releases them).
    func executingAttempts(node: String) async throws -> Set<JobAttempt>

    /// Takes or renews the maintenance lease for `node` until `now + ttl`. True if `node` leads.
    func acquireLeadership(node: String, ttl: Duration, now: Date) async throws -> Bool

    /// Gives up the lease if `node` holds it.
    func resignLeadership(node: String) async throws

    /// The node whose maintenance lease runs past `now`, if any.
    func leader(now: Date) async throws -> String?

    /// Makes due `scheduled` and `retryable` jobs `available`. Returns the queues that got jobs.
    func stage(now: Date, limit: Int) async throws -> Set<String>

    /// Up to `limit` attempts `executing` on nodes whose last heartbeat is before
    /// `heartbeatBefore` (or that have no node row), and claimed before it too.
    func orphanedAttempts(heartbeatBefore: Date, limit: Int) async throws -> [OrphanedAttempt]

    /// Wakes the producers of `queues` on every node: jobs became available there.
    func announceAvailable(_ queues: Set<String>) async throws

    /// Deletes up to `limit` jobs in `state` (a final state) of the queues selected that
    /// finished before `before`. Returns how many.
    func deleteFinished(_ state: JobState, before: Date, in queues: QueueSelection, limit: Int) async throws -> Int

    /// Deletes up to `limit` jobs in `state` (a final state) of `queue` beyond its newest
    /// `keep` (by id). Returns how many.
    func deleteFinished(_ state: JobState, queue: String, beyondNewest keep: Int, limit: Int) async throws -> Int

    /// The queues that have jobs in `state`.
    func queues(holding state: JobState) async throws -> [String]

    /// Removes the rows of nodes whose last heartbeat is before `heardBefore`.
    func removeNodes(heardBefore: Date) async throws

    /// The oldest transaction another session holds open in the jobs' database; nil when
    /// there is none, or when the store cannot see other sessions' transactions.
    func oldestHeldSnapshot() async throws -> HeldSnapshot?

    /// How long a producer lets more of its running jobs finish before claiming for fewer
    /// than half its slots. Short jobs claimed together finish together, and claiming on the
    /// first one's wake-up takes one or two jobs while the rest are a moment from done: claims
    /// alternate tiny and large, twice as many statements for the same jobs. Worth waiting
    /// where each claim is a round trip to a database server; zero (the default) never waits.
    /// A job waiting in the queue starts at most this much later; an idle producer never waits.
    var claimBatchingWait: Duration { get }

    /// How this store carries job events to other nodes, if it does.
    var eventSharing: (any JobEventSharing)? { get }
}

extension JobStore {
    package var claimBatchingWait: Duration { .zero }
    package var eventSharing: (any JobEventSharing)? { nil }
}

/// Signals a store sends when something happens that producers should react to at once.
///
/// Signals are a shortcut, not the record: nodes also poll, so a lost signal only delays. A
/// store whose signals travel over a connection that can drop sends ``StoreSignal/resumed``
/// when it is back, so that what was missed meanwhile waits no longer than that.
package protocol JobStoreSignals: Sendable {
    /// A new stream of signals for one subscriber; finishing the iteration unsubscribes.
    func signals() -> AsyncStream<StoreSignal>
}

/// A store that carries job events between nodes, so that ``Conveyor/events()`` on every node
/// (and every API server) sees the events of every job, wherever it runs. Best effort: events
/// are not stored, and a node that is down misses them.
///
/// Events travel only while some node wants them: a node with subscribers says so with
/// ``wantEvents(_:)``, and the others share while ``othersWantEvents`` holds. A new subscriber
/// sees other nodes' events from the moment they hear of it (milliseconds on PostgreSQL).
package protocol JobEventSharing: Sendable {
    /// Whether another node currently wants events; while none does, sharing is skipped.
    var othersWantEvents: Bool { get }
    /// Hands events that happened on this node to the others. Must return at once: buffer and
    /// send in the background. Other nodes receive them as ``StoreSignal/events(_:)``.
    func share(_ events: [JobEvent])
    /// Tells the other nodes whether this one wants their events (it has subscribers or not).
    func wantEvents(_ wanted: Bool)
    /// Carries events until cancelled, for a store whose events travel by polling (SQLite);
    /// `now` is the runtime's clock. A store whose own connection carries them returns at once.
    func carryEvents(now: @escaping @Sendable () -> Date) async
}

/// Something that changed in the store.
package enum StoreSignal: Sendable, Hashable {
    /// Jobs became available in this queue.
    case jobsAvailable(queue: String)
    /// The queue was paused or resumed.
    case queueChanged(queue: String)
    /// A job was cancelled; the node running it should stop it.
    case jobCancelled(id: Int64)
    /// Job events from other nodes (see ``JobEventSharing``).
    case events([JobEvent])
    /// The store's signals (re)started after a gap, as when its listener reconnects: some may
    /// have been missed, so look at every queue now rather than at the next poll.
    case resumed
}
