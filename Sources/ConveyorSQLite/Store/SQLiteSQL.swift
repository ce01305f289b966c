import Conveyor
import Foundation

/// Every statement the SQLite store runs, in one place. Most are ``SQLiteQuery`` values that
/// carry their values in their text; the hot path's (insert, claim, outcome) are fixed text
/// bound by position, one statement per job, where building the text each time would cost.
enum SQLiteSQL {
    static let jobColumns = """
        id, kind, queue, state, priority, args, meta, tags, attempt, max_attempts, errors, \
        inserted_at, scheduled_at, attempted_at, finished_at, attempted_by, unique_key
        """

    static let insertJob = """
        INSERT INTO conveyor_jobs (kind, queue, state, priority, args, meta, tags, max_attempts, inserted_at, scheduled_at, unique_key, unique_states)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
        ON CONFLICT DO NOTHING
        RETURNING \(jobColumns)
        """

    static let findUnique = """
        SELECT \(jobColumns) FROM conveyor_jobs
        WHERE unique_key = ?1 AND instr(unique_states, ',' || state || ',') > 0
        """

    /// Claims with `id IN (subquery … LIMIT n)`: one statement for a batch. The subquery walks
    /// the fetch index in order; the paused check is one primary-key lookup.
    static let claim = """
        UPDATE conveyor_jobs SET state = 'executing', attempt = attempt + 1, attempted_at = ?1, attempted_by = ?2
        WHERE id IN (
            SELECT id FROM conveyor_jobs INDEXED BY conveyor_jobs_fetch
            WHERE state = 'available' AND queue = ?3
              AND NOT EXISTS (SELECT 1 FROM conveyor_queues WHERE name = ?3 AND paused = 1)
            ORDER BY priority, scheduled_at, id
            LIMIT ?4)
        RETURNING \(jobColumns)
        """

    /// One statement for every outcome; fenced by attempt and node. No RETURNING: SQLite
    /// buffers returned rows in a temporary table, which costs more than the update itself.
    static let acknowledge = """
        UPDATE conveyor_jobs SET
            state = ?1,
            scheduled_at = coalesce(?2, scheduled_at),
            finished_at = ?3,
            errors = CASE WHEN ?4 IS NULL THEN errors ELSE json_insert(errors, '$[#]', json(?4)) END,
            meta = CASE WHEN ?5 IS NULL THEN meta ELSE json_set(meta, '$.result', json(?5)) END,
            max_attempts = max_attempts + ?6
        WHERE id = ?7 AND attempt = ?8 AND attempted_by = ?9 AND state = 'executing'
        """

    /// The common outcome alone (completed, no result): it writes no JSON column, so SQLite
    /// neither rebuilds the row's JSON nor maintains the index on a job's batch.
    static let complete = """
        UPDATE conveyor_jobs SET state = 'completed', finished_at = ?1
        WHERE id = ?2 AND attempt = ?3 AND attempted_by = ?4 AND state = 'executing'
        """

    /// ``acknowledge`` for an outcome with ``FinalEffects``: the row as it ends comes back.
    static let acknowledgeReturningJob = acknowledge + "\nRETURNING \(jobColumns)"

    /// A report replaces the last one whole: without details, the last details go.
    static func recordProgress(_ attempt: JobAttempt, _ progress: JobProgress) -> SQLiteQuery {
        if let details = progress.details {
            """
            UPDATE conveyor_jobs SET meta = json_set(meta, '$.progress', \(progress.fraction), '$.progress_message', \(progress.message),
                                                     '$.progress_details', json(\(details.text)))
            WHERE id = \(attempt.jobID) AND attempt = \(attempt.attempt) AND attempted_by = \(attempt.node) AND state = 'executing'
            """
        } else {
            """
            UPDATE conveyor_jobs SET meta = json_set(json_remove(meta, '$.progress_details'), '$.progress', \(progress.fraction),
                                                     '$.progress_message', \(progress.message))
            WHERE id = \(attempt.jobID) AND attempt = \(attempt.attempt) AND attempted_by = \(attempt.node) AND state = 'executing'
            """
        }
    }

    static func job(id: Int64) -> SQLiteQuery { "SELECT \(unescaped: jobColumns) FROM conveyor_jobs WHERE id = \(id)" }

    static func retry(id: Int64, now: Date) -> SQLiteQuery {
        """
        UPDATE conveyor_jobs SET state = 'available', scheduled_at = \(now), finished_at = NULL,
            max_attempts = max(max_attempts, attempt + 1)
        WHERE id = \(id) AND state IN ('retryable', 'discarded', 'cancelled', 'completed')
        RETURNING \(unescaped: jobColumns)
        """
    }

    static func cancel(id: Int64, error: String, now: Date) -> SQLiteQuery {
        """
        UPDATE conveyor_jobs SET state = 'cancelled', finished_at = \(now),
            errors = json_insert(errors, '$[#]', json(\(error)))
        WHERE id = \(id) AND state IN ('scheduled', 'available', 'executing', 'retryable')
        RETURNING \(unescaped: jobColumns)
        """
    }

    static func delete(id: Int64) -> SQLiteQuery {
        "DELETE FROM conveyor_jobs WHERE id = \(id) AND state <> 'executing' RETURNING \(unescaped: jobColumns)"
    }

    /// Read from the claim index's leading columns: costs what the backlog holds.
    static let activeCountsByQueue: SQLiteQuery = """
        SELECT queue, state, count(*) FROM conveyor_jobs
        WHERE state IN ('scheduled', 'available', 'executing', 'retryable') GROUP BY queue, state
        """
    /// Reads every finished job kept: costs what retention keeps.
    static let finalCountsByQueue: SQLiteQuery = """
        SELECT queue, state, count(*) FROM conveyor_jobs
        WHERE state IN ('completed', 'discarded', 'cancelled') GROUP BY queue, state
        """
    static let queueSettings: SQLiteQuery = "SELECT name, paused, concurrency, rate_count, rate_period, retention FROM conveyor_queues"
    static func queueLimits(_ queue: String) -> SQLiteQuery {
        """
        SELECT paused, concurrency, rate_count, rate_period FROM conveyor_queues
        WHERE name = \(queue) AND (concurrency IS NOT NULL OR rate_count IS NOT NULL)
        """
    }
    static func setLimits(_ limits: QueueLimits, queue: String, now: Date) -> SQLiteQuery {
        """
        INSERT INTO conveyor_queues (name, concurrency, rate_count, rate_period, updated_at)
        VALUES (\(queue), \(limits.concurrency), \(limits.rate?.count), \(limits.rate?.periodMicros), \(now))
        ON CONFLICT (name) DO UPDATE SET concurrency = excluded.concurrency, rate_count = excluded.rate_count,
            rate_period = excluded.rate_period, updated_at = excluded.updated_at
        """
    }
    static func setRetention(_ retention: QueueRetention?, queue: String, now: Date) -> SQLiteQuery {
        """
        INSERT INTO conveyor_queues (name, retention, updated_at) VALUES (\(queue), \(retention.map(StoreCoding.json)), \(now))
        ON CONFLICT (name) DO UPDATE SET retention = excluded.retention, updated_at = excluded.updated_at
        """
    }
    static func executing(inQueue queue: String) -> SQLiteQuery {
        "SELECT count(*) FROM conveyor_jobs WHERE state = 'executing' AND queue = \(queue)"
    }
    static func started(_ queue: String, since windowStart: Date) -> SQLiteQuery {
        "SELECT coalesce(sum(count), 0) FROM conveyor_queue_starts WHERE queue = \(queue) AND started_at >= \(windowStart)"
    }
    static func recordStarts(_ queue: String, at now: Date, count: Int) -> SQLiteQuery {
        "INSERT INTO conveyor_queue_starts (queue, started_at, count) VALUES (\(queue), \(now), \(count))"
    }
    static func forgetStarts(_ queue: String, before windowStart: Date) -> SQLiteQuery {
        "DELETE FROM conveyor_queue_starts WHERE queue = \(queue) AND started_at < \(windowStart)"
    }
    static func setPaused(_ paused: Bool, queue: String, now: Date) -> SQLiteQuery {
        """
        INSERT INTO conveyor_queues (name, paused, updated_at) VALUES (\(queue), \(paused), \(now))
        ON CONFLICT (name) DO UPDATE SET paused = excluded.paused, updated_at = excluded.updated_at
        """
    }

    // Job events between processes

    static func watchEvents(_ watcher: String, until: Date) -> SQLiteQuery {
        """
        INSERT INTO conveyor_event_watchers (watcher, until) VALUES (\(watcher), \(until))
        ON CONFLICT (watcher) DO UPDATE SET until = excluded.until
        """
    }
    static func unwatchEvents(_ watcher: String) -> SQLiteQuery { "DELETE FROM conveyor_event_watchers WHERE watcher = \(watcher)" }
    static func otherWatchers(of watcher: String, now: Date) -> SQLiteQuery {
        "SELECT count(*) FROM conveyor_event_watchers WHERE until > \(now) AND watcher <> \(watcher)"
    }
    static func insertEvents(sender: String, body: String, at now: Date) -> SQLiteQuery {
        "INSERT INTO conveyor_events (sender, body, at) VALUES (\(sender), \(body), \(now))"
    }
    static func forgetEvents(before: Date) -> SQLiteQuery { "DELETE FROM conveyor_events WHERE at < \(before)" }
    static let newestEvent: SQLiteQuery = "SELECT coalesce(max(id), 0) FROM conveyor_events"
    static func events(after id: Int64) -> SQLiteQuery { "SELECT id, sender, body FROM conveyor_events WHERE id > \(id) ORDER BY id LIMIT 1000" }

    static func heartbeat(_ node: NodeRecord) -> SQLiteQuery {
        """
        INSERT INTO conveyor_nodes (name, queues, kinds, started_at, heartbeat_at, running, slots)
        VALUES (\(node.name), \(StoreCoding.json(node.queues)), \(StoreCoding.json(node.kinds)), \(node.startedAt), \(node.heartbeatAt), \(node.running), \(node.slots))
        ON CONFLICT (name) DO UPDATE SET queues = excluded.queues, kinds = excluded.kinds, heartbeat_at = excluded.heartbeat_at,
            running = excluded.running, slots = excluded.slots
        """
    }
    static func removeNode(_ name: String) -> SQLiteQuery { "DELETE FROM conveyor_nodes WHERE name = \(name)" }
    static let nodes: SQLiteQuery = "SELECT name, queues, started_at, heartbeat_at, running, kinds, slots FROM conveyor_nodes ORDER BY heartbeat_at DESC"
    static func executing(on node: String) -> SQLiteQuery {
        "SELECT id, attempt FROM conveyor_jobs WHERE attempted_by = \(node) AND state = 'executing'"
    }

    static func leader(now: Date) -> SQLiteQuery {
        "SELECT node FROM conveyor_leaders WHERE name = 'maintenance' AND expires_at >= \(now)"
    }

    static func acquireLeadership(node: String, until expiry: Date, now: Date) -> SQLiteQuery {
        """
        INSERT INTO conveyor_leaders (name, node, expires_at) VALUES ('maintenance', \(node), \(expiry))
        ON CONFLICT (name) DO UPDATE SET node = excluded.node, expires_at = excluded.expires_at
        WHERE conveyor_leaders.node = excluded.node OR conveyor_leaders.expires_at < \(now)
        RETURNING node
        """
    }
    static func resignLeadership(node: String) -> SQLiteQuery { "DELETE FROM conveyor_leaders WHERE name = 'maintenance' AND node = \(node)" }

    static func stage(now: Date, limit: Int) -> SQLiteQuery {
        """
        UPDATE conveyor_jobs SET state = 'available'
        WHERE id IN (
            SELECT id FROM conveyor_jobs WHERE state IN ('scheduled', 'retryable') AND scheduled_at <= \(now)
            ORDER BY scheduled_at LIMIT \(limit))
        RETURNING queue
        """
    }

    /// Executing jobs of nodes silent since `heartbeatBefore`, claimed before then too. A claim
    /// always names its node, so `attempted_by` is set.
    static func orphanedAttempts(heartbeatBefore: Date, limit: Int) -> SQLiteQuery {
        """
        SELECT id, attempt, attempted_by, max_attempts, queue FROM conveyor_jobs
        WHERE state = 'executing' AND attempted_at < \(heartbeatBefore)
          AND attempted_by NOT IN (SELECT name FROM conveyor_nodes WHERE heartbeat_at >= \(heartbeatBefore))
        ORDER BY id LIMIT \(limit)
        """
    }

    static func deleteFinished(_ state: JobState, before: Date, in queues: QueueSelection, limit: Int) -> SQLiteQuery {
        switch queues {
        case .only(let queue):
            """
            DELETE FROM conveyor_jobs WHERE id IN (
                SELECT id FROM conveyor_jobs WHERE state = \(state.rawValue) AND finished_at < \(before) AND queue = \(queue) LIMIT \(limit))
            """
        case .allExcept(let spared):
            """
            DELETE FROM conveyor_jobs WHERE id IN (
                SELECT id FROM conveyor_jobs WHERE state = \(state.rawValue) AND finished_at < \(before)
                    AND queue NOT IN (SELECT value FROM json_each(\(StoreCoding.json(spared)))) LIMIT \(limit))
            """
        }
    }
    static func queues(holding state: JobState) -> SQLiteQuery { "SELECT DISTINCT queue FROM conveyor_jobs WHERE state = \(state.rawValue)" }
    static func deleteFinished(_ state: JobState, queue: String, beyondNewest keep: Int, limit: Int) -> SQLiteQuery {
        """
        DELETE FROM conveyor_jobs WHERE id IN (
            SELECT id FROM conveyor_jobs WHERE queue = \(queue) AND state = \(state.rawValue) ORDER BY id DESC LIMIT \(limit) OFFSET \(keep))
        """
    }
    static func removeNodes(heardBefore: Date) -> SQLiteQuery { "DELETE FROM conveyor_nodes WHERE heartbeat_at < \(heardBefore)" }

    /// Times are microseconds since 1970, never negative here: integer division floors.
    static func finishedPerMinute(queue: String, since: Date) -> SQLiteQuery {
        """
        SELECT finished_at / 60000000, sum(state = 'completed'), sum(state = 'discarded') FROM conveyor_jobs
        WHERE state IN ('completed', 'discarded') AND finished_at >= \(since) AND queue = \(queue)
        GROUP BY 1
        """
    }
    static func latestWaits(queue: String, since: Date, limit: Int) -> SQLiteQuery {
        """
        SELECT attempted_at - scheduled_at FROM conveyor_jobs
        WHERE state IN ('completed', 'discarded') AND finished_at >= \(since) AND queue = \(queue) AND attempted_at IS NOT NULL
        ORDER BY finished_at DESC LIMIT \(limit)
        """
    }

    // Schedules

    static let scheduleColumns = """
        name, definition, active, disabled_reason, next_run_at, last_run_at, last_status, last_job_id, \
        consecutive_failures, last_error, last_error_at, skipped_runs, created_at, updated_at
        """
    static func createSchedule(_ definition: ScheduleDefinition, active: Bool, nextRunAt: Date?, now: Date) -> SQLiteQuery {
        """
        INSERT INTO conveyor_schedules (name, definition, max_failures, active, next_run_at, created_at, updated_at)
        VALUES (\(definition.name), \(StoreCoding.json(definition)), \(definition.maxConsecutiveFailures), \(active), \(nextRunAt), \(now), \(now))
        ON CONFLICT (name) DO NOTHING
        RETURNING \(unescaped: scheduleColumns)
        """
    }
    static func updateSchedule(_ definition: ScheduleDefinition, nextRunAt: Date?, now: Date) -> SQLiteQuery {
        """
        UPDATE conveyor_schedules SET definition = \(StoreCoding.json(definition)), max_failures = \(definition.maxConsecutiveFailures),
            next_run_at = \(nextRunAt), updated_at = \(now)
        WHERE name = \(definition.name) RETURNING \(unescaped: scheduleColumns)
        """
    }
    static func schedule(named name: String) -> SQLiteQuery { "SELECT \(unescaped: scheduleColumns) FROM conveyor_schedules WHERE name = \(name)" }
    /// A condition whose value is NULL is off.
    static func schedules(matching filter: ScheduleFilter) -> SQLiteQuery {
        let active = filter.active.map { $0 ? 1 : 0 }
        return """
            SELECT \(unescaped: scheduleColumns) FROM conveyor_schedules
            WHERE (\(active) IS NULL OR active = \(active))
              AND (\(filter.kind) IS NULL OR json_extract(definition, '$.kind') = \(filter.kind))
              AND (\(filter.afterName) IS NULL OR name > \(filter.afterName))
            ORDER BY name LIMIT \(filter.limit)
            """
    }
    static func deleteSchedule(named name: String) -> SQLiteQuery { "DELETE FROM conveyor_schedules WHERE name = \(name)" }
    static func setScheduleActive(_ active: Bool, name: String, nextRunAt: Date?, reason: String?, now: Date) -> SQLiteQuery {
        """
        UPDATE conveyor_schedules SET active = \(active), next_run_at = \(nextRunAt), disabled_reason = \(reason), updated_at = \(now),
            consecutive_failures = CASE WHEN \(active) THEN 0 ELSE consecutive_failures END
        WHERE name = \(name) RETURNING \(unescaped: scheduleColumns)
        """
    }
    static func dueSchedules(now: Date) -> SQLiteQuery {
        "SELECT \(unescaped: scheduleColumns) FROM conveyor_schedules WHERE active AND next_run_at <= \(now) ORDER BY next_run_at"
    }
    /// The schedule as a fire finds it, with its last run's job state.
    static func lockSchedule(named name: String) -> SQLiteQuery {
        """
        SELECT active, next_run_at, (SELECT state FROM conveyor_jobs WHERE id = last_job_id)
        FROM conveyor_schedules WHERE name = \(name)
        """
    }
    /// A fire recorded without a job: `status` is skipped or missed.
    static func recordFireWithoutJob(_ name: String, status: ScheduleRunStatus, nextRunAt: Date?, now: Date) -> SQLiteQuery {
        """
        UPDATE conveyor_schedules SET next_run_at = \(nextRunAt), last_status = \(status.rawValue), skipped_runs = skipped_runs + 1,
            updated_at = \(now)
        WHERE name = \(name)
        """
    }
    static func recordFire(_ name: String, fireAt: Date, jobID: Int64, nextRunAt: Date?, now: Date) -> SQLiteQuery {
        """
        UPDATE conveyor_schedules SET next_run_at = \(nextRunAt), last_run_at = \(fireAt), last_job_id = \(jobID), last_status = 'enqueued',
            updated_at = \(now)
        WHERE name = \(name)
        """
    }
    /// The bookkeeping a run's end changes (``ScheduleRunEnd``).
    static func runRecord(ofSchedule name: String) -> SQLiteQuery {
        """
        SELECT active, next_run_at, disabled_reason, last_job_id, last_status, consecutive_failures, max_failures, last_error, last_error_at
        FROM conveyor_schedules WHERE name = \(name)
        """
    }
    static func writeRunRecord(_ record: ScheduleRunRecord, ofSchedule name: String, now: Date) -> SQLiteQuery {
        """
        UPDATE conveyor_schedules SET active = \(record.active), next_run_at = \(record.nextRunAt), disabled_reason = \(record.disabledReason),
            last_status = \(record.lastStatus?.rawValue), consecutive_failures = \(record.consecutiveFailures), last_error = \(record.lastError),
            last_error_at = \(record.lastErrorAt), updated_at = \(now)
        WHERE name = \(name)
        """
    }

    // Batches

    static let batchColumns = "id, callback, total, completed, discarded, cancelled, created_at, finished_at, callback_job_id"

    static func insertBatch(_ callback: BatchCallback, total: Int, now: Date) -> SQLiteQuery {
        """
        INSERT INTO conveyor_batches (callback, total, created_at) VALUES (\(StoreCoding.json(callback)), \(total), \(now))
        RETURNING \(unescaped: batchColumns)
        """
    }

    /// Moves an open batch's counts and reads it back; no row once the batch has ended.
    static func changeBatch(_ change: BatchChange) -> SQLiteQuery {
        """
        UPDATE conveyor_batches SET total = total + \(change.total), completed = completed + \(change.completed),
            discarded = discarded + \(change.discarded), cancelled = cancelled + \(change.cancelled)
        WHERE id = \(change.batchID) AND finished_at IS NULL
        RETURNING \(unescaped: batchColumns)
        """
    }

    static func finishBatch(_ id: Int64, callbackJobID: Int64, now: Date) -> SQLiteQuery {
        "UPDATE conveyor_batches SET finished_at = \(now), callback_job_id = \(callbackJobID) WHERE id = \(id)"
    }

    static func deleteBatches(endedBefore: Date, limit: Int) -> SQLiteQuery {
        """
        DELETE FROM conveyor_batches WHERE id IN (
            SELECT id FROM conveyor_batches WHERE finished_at < \(endedBefore) LIMIT \(limit))
        """
    }

    static func batch(id: Int64) -> SQLiteQuery { "SELECT \(unescaped: batchColumns) FROM conveyor_batches WHERE id = \(id)" }

    static func batches(beforeID: Int64?, limit: Int) -> SQLiteQuery {
        """
        SELECT \(unescaped: batchColumns) FROM conveyor_batches
        WHERE \(beforeID) IS NULL OR id < \(beforeID) ORDER BY id DESC LIMIT \(limit)
        """
    }

    // Declared kinds

    static func declareKind(_ kind: DeclaredKind) -> SQLiteQuery {
        """
        INSERT INTO conveyor_kinds (kind, declaration, declared_at) VALUES (\(kind.kind), \(StoreCoding.json(kind)), \(kind.declaredAt))
        ON CONFLICT (kind) DO UPDATE SET declaration = excluded.declaration, declared_at = excluded.declared_at
        """
    }

    static func declaredKind(_ kind: String) -> SQLiteQuery { "SELECT declaration FROM conveyor_kinds WHERE kind = \(kind)" }
}
