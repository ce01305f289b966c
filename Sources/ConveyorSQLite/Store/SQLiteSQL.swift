/// Every statement the SQLite store runs, in one place.
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

    static let recordProgress = """
        UPDATE conveyor_jobs SET meta = json_set(meta, '$.progress', ?1, '$.progress_message', ?2)
        WHERE id = ?3 AND attempt = ?4 AND attempted_by = ?5 AND state = 'executing'
        """

    static let jobByID = "SELECT \(jobColumns) FROM conveyor_jobs WHERE id = ?1"

    static let retry = """
        UPDATE conveyor_jobs SET state = 'available', scheduled_at = ?2, finished_at = NULL,
            max_attempts = max(max_attempts, attempt + 1)
        WHERE id = ?1 AND state IN ('retryable', 'discarded', 'cancelled', 'completed')
        RETURNING \(jobColumns)
        """

    static let cancel = """
        UPDATE conveyor_jobs SET state = 'cancelled', finished_at = ?2,
            errors = json_insert(errors, '$[#]', json(?3))
        WHERE id = ?1 AND state IN ('scheduled', 'available', 'executing', 'retryable')
        RETURNING \(jobColumns)
        """

    static let delete = "DELETE FROM conveyor_jobs WHERE id = ?1 AND state <> 'executing' RETURNING \(jobColumns)"

    /// Read from the claim index's leading columns: costs what the backlog holds.
    static let activeCountsByQueue = """
        SELECT queue, state, count(*) FROM conveyor_jobs
        WHERE state IN ('scheduled', 'available', 'executing', 'retryable') GROUP BY queue, state
        """
    /// Reads every finished job kept: costs what retention keeps.
    static let finalCountsByQueue = """
        SELECT queue, state, count(*) FROM conveyor_jobs
        WHERE state IN ('completed', 'discarded', 'cancelled') GROUP BY queue, state
        """
    static let queueSettings = "SELECT name, paused, concurrency, rate_count, rate_period FROM conveyor_queues"
    static let queueLimits = """
        SELECT paused, concurrency, rate_count, rate_period FROM conveyor_queues
        WHERE name = ?1 AND (concurrency IS NOT NULL OR rate_count IS NOT NULL)
        """
    static let setLimits = """
        INSERT INTO conveyor_queues (name, concurrency, rate_count, rate_period, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)
        ON CONFLICT (name) DO UPDATE SET concurrency = excluded.concurrency, rate_count = excluded.rate_count,
            rate_period = excluded.rate_period, updated_at = excluded.updated_at
        """
    static let executingInQueue = "SELECT count(*) FROM conveyor_jobs WHERE state = 'executing' AND queue = ?1"
    static let startedSince = "SELECT coalesce(sum(count), 0) FROM conveyor_queue_starts WHERE queue = ?1 AND started_at >= ?2"
    static let recordStarts = "INSERT INTO conveyor_queue_starts (queue, started_at, count) VALUES (?1, ?2, ?3)"
    static let forgetStartsBefore = "DELETE FROM conveyor_queue_starts WHERE queue = ?1 AND started_at < ?2"
    static let setPaused = """
        INSERT INTO conveyor_queues (name, paused, updated_at) VALUES (?1, ?2, ?3)
        ON CONFLICT (name) DO UPDATE SET paused = excluded.paused, updated_at = excluded.updated_at
        """

    static let heartbeat = """
        INSERT INTO conveyor_nodes (name, queues, kinds, started_at, heartbeat_at, running) VALUES (?1, ?2, ?6, ?3, ?4, ?5)
        ON CONFLICT (name) DO UPDATE SET queues = excluded.queues, kinds = excluded.kinds, heartbeat_at = excluded.heartbeat_at, running = excluded.running
        """
    static let removeNode = "DELETE FROM conveyor_nodes WHERE name = ?1"
    static let nodes = "SELECT name, queues, started_at, heartbeat_at, running, kinds FROM conveyor_nodes ORDER BY heartbeat_at DESC"
    static let executingOnNode = "SELECT id, attempt FROM conveyor_jobs WHERE attempted_by = ?1 AND state = 'executing'"

    static let acquireLeadership = """
        INSERT INTO conveyor_leaders (name, node, expires_at) VALUES ('maintenance', ?1, ?2)
        ON CONFLICT (name) DO UPDATE SET node = excluded.node, expires_at = excluded.expires_at
        WHERE conveyor_leaders.node = excluded.node OR conveyor_leaders.expires_at < ?3
        RETURNING node
        """
    static let resignLeadership = "DELETE FROM conveyor_leaders WHERE name = 'maintenance' AND node = ?1"

    static let stage = """
        UPDATE conveyor_jobs SET state = 'available'
        WHERE id IN (
            SELECT id FROM conveyor_jobs WHERE state IN ('scheduled', 'retryable') AND scheduled_at <= ?1
            ORDER BY scheduled_at LIMIT ?2)
        RETURNING queue
        """

    /// Executing jobs of nodes silent since ?1, claimed before then too. A claim always names
    /// its node, so `attempted_by` is set.
    static let orphanedAttempts = """
        SELECT id, attempt, attempted_by, max_attempts, queue FROM conveyor_jobs
        WHERE state = 'executing' AND attempted_at < ?1
          AND attempted_by NOT IN (SELECT name FROM conveyor_nodes WHERE heartbeat_at >= ?1)
        ORDER BY id LIMIT ?2
        """

    static let pruneOlderThan = """
        DELETE FROM conveyor_jobs WHERE id IN (
            SELECT id FROM conveyor_jobs WHERE state = ?1 AND finished_at < ?2 LIMIT ?3)
        """
    static let queuesWithState = "SELECT DISTINCT queue FROM conveyor_jobs WHERE state = ?1"
    static let pruneBeyondLast = """
        DELETE FROM conveyor_jobs WHERE id IN (
            SELECT id FROM conveyor_jobs WHERE queue = ?1 AND state = ?2 ORDER BY id DESC LIMIT ?4 OFFSET ?3)
        """
    static let pruneNodes = "DELETE FROM conveyor_nodes WHERE heartbeat_at < ?1"

    /// Times are microseconds since 1970, never negative here: integer division floors.
    static let finishedPerMinute = """
        SELECT finished_at / 60000000, sum(state = 'completed'), sum(state = 'discarded') FROM conveyor_jobs
        WHERE state IN ('completed', 'discarded') AND finished_at >= ?2 AND queue = ?1
        GROUP BY 1
        """
    static let latestWaits = """
        SELECT attempted_at - scheduled_at FROM conveyor_jobs
        WHERE state IN ('completed', 'discarded') AND finished_at >= ?2 AND queue = ?1 AND attempted_at IS NOT NULL
        ORDER BY finished_at DESC LIMIT ?3
        """

    // Schedules

    static let scheduleColumns = """
        name, definition, active, disabled_reason, next_run_at, last_run_at, last_status, last_job_id, \
        consecutive_failures, last_error, last_error_at, skipped_runs, created_at, updated_at
        """
    static let createSchedule = """
        INSERT INTO conveyor_schedules (name, definition, max_failures, active, next_run_at, created_at, updated_at)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6) ON CONFLICT (name) DO NOTHING
        RETURNING \(scheduleColumns)
        """
    static let updateSchedule = """
        UPDATE conveyor_schedules SET definition = ?2, max_failures = ?3, next_run_at = ?4, updated_at = ?5
        WHERE name = ?1 RETURNING \(scheduleColumns)
        """
    static let scheduleByName = "SELECT \(scheduleColumns) FROM conveyor_schedules WHERE name = ?1"
    static let allSchedules = "SELECT \(scheduleColumns) FROM conveyor_schedules ORDER BY name"
    static let deleteSchedule = "DELETE FROM conveyor_schedules WHERE name = ?1"
    static let setScheduleActive = """
        UPDATE conveyor_schedules SET active = ?2, next_run_at = ?3, disabled_reason = ?4, updated_at = ?5,
            consecutive_failures = CASE WHEN ?2 THEN 0 ELSE consecutive_failures END
        WHERE name = ?1 RETURNING \(scheduleColumns)
        """
    static let dueSchedules = "SELECT \(scheduleColumns) FROM conveyor_schedules WHERE active AND next_run_at <= ?1 ORDER BY next_run_at"
    /// The schedule as a fire finds it, with its last run's job state.
    static let lockSchedule = """
        SELECT active, next_run_at, (SELECT state FROM conveyor_jobs WHERE id = last_job_id)
        FROM conveyor_schedules WHERE name = ?1
        """
    /// ?3 is 'skipped' or 'missed'.
    static let skipScheduleFire = """
        UPDATE conveyor_schedules SET next_run_at = ?2, last_status = ?3, skipped_runs = skipped_runs + 1, updated_at = ?4 WHERE name = ?1
        """
    static let recordScheduleFire = """
        UPDATE conveyor_schedules SET next_run_at = ?2, last_run_at = ?3, last_job_id = ?4, last_status = 'enqueued', updated_at = ?5
        WHERE name = ?1
        """
    /// A run's end: the last status only for the latest run; failures in a row for every run.
    static let recordScheduleRun = """
        UPDATE conveyor_schedules SET
            last_status = CASE WHEN last_job_id = ?2 THEN ?3 ELSE last_status END,
            consecutive_failures = CASE ?3 WHEN 'failed' THEN consecutive_failures + 1 WHEN 'completed' THEN 0 ELSE consecutive_failures END,
            last_error = CASE WHEN ?3 = 'failed' THEN ?4 ELSE last_error END,
            last_error_at = CASE WHEN ?3 = 'failed' THEN ?5 ELSE last_error_at END,
            updated_at = ?5
        WHERE name = ?1
        """
    static let disableFailingSchedule = """
        UPDATE conveyor_schedules SET active = 0, next_run_at = NULL,
            disabled_reason = 'deactivated after ' || consecutive_failures || ' failed runs in a row; last error: ' || coalesce(last_error, '?')
        WHERE name = ?1 AND active AND max_failures IS NOT NULL AND consecutive_failures >= max_failures
        """
}
