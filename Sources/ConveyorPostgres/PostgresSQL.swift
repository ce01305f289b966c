import Conveyor
import Foundation

/// Every statement the PostgreSQL store runs, in one place, qualified with the schema once at
/// start (the schema name is validated to letters, digits and `_`; values are always bound).
struct PostgresSQL: Sendable {
    let schema: String
    let channel: String
    /// What stands before each table name: `schema.`, or nothing in ``unqualified``.
    private let qualifier: String

    init(schema: String) {
        self.init(schema: schema, qualifier: "\(schema).")
    }

    private init(schema: String, qualifier: String) {
        self.schema = schema
        self.channel = "\(schema)_signals"
        self.qualifier = qualifier
    }

    /// The statements with bare table names, for prepared statements, whose text postgres-nio
    /// takes from a static property: connections find the schema through their `search_path`.
    static let unqualified = PostgresSQL(schema: "", qualifier: "")

    /// `S.` becomes the qualifier. Byte by byte: Foundation's `replacingOccurrences` and the
    /// generic `split` each cost 30–40 µs per statement on Linux, on every call.
    private func q(_ sql: String) -> String {
        let source = Array(sql.utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(source.count + 8 * qualifier.utf8.count)
        var index = 0
        while index < source.count {
            if source[index] == UInt8(ascii: "S"), index + 1 < source.count, source[index + 1] == UInt8(ascii: ".") {
                bytes.append(contentsOf: qualifier.utf8)
                index += 2
            } else {
                bytes.append(source[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static let jobColumns = """
        id, kind, queue, state, priority, args, meta, tags, attempt, max_attempts, errors, \
        inserted_at, scheduled_at, attempted_at, finished_at, attempted_by, unique_key
        """
    private static let jobColumnsJ = jobColumns.split(separator: ",").map { "j." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")

    var lockMigrations: String { "SELECT pg_advisory_xact_lock(hashtext('\(schema).migrations'))" }
    var createSchema: String { "CREATE SCHEMA IF NOT EXISTS \(schema)" }
    var createMigrations: String {
        q("CREATE TABLE IF NOT EXISTS S.migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())")
    }
    var appliedMigrations: String { q("SELECT version FROM S.migrations") }
    var recordMigration: String { q("INSERT INTO S.migrations (version, name) VALUES ($1, $2)") }
    func migration(_ sql: String) -> String { q(sql) }

    /// Inserts many rows in one statement and answers their ids, sorted, in one array (one row
    /// to decode, not one per job). Tags travel as text[] literals (unnest cannot take an array
    /// of arrays); $11 names the queues to wake.
    var insertBulk: String {
        q("""
        WITH inserted AS (
            INSERT INTO S.jobs (kind, queue, state, priority, args, meta, tags, max_attempts, inserted_at, scheduled_at)
            SELECT r.kind, r.queue, r.state, r.priority, r.args::jsonb, r.meta::jsonb, r.tags::text[], r.max_attempts, $9, r.scheduled_at
            FROM unnest($1::text[], $2::text[], $3::text[], $4::int2[], $5::text[], $6::text[], $7::text[], $8::int4[], $10::timestamptz[])
                AS r(kind, queue, state, priority, args, meta, tags, max_attempts, scheduled_at)
            RETURNING id
        ), notified AS (
            SELECT pg_notify('\(channel)', '\(NodeMessage.jobsAvailableTag)' || queue) FROM unnest($11::text[]) AS queue
        )
        SELECT (SELECT array_agg(id ORDER BY id) FROM inserted), (SELECT count(*) FROM notified)
        """)
    }

    /// Ids for $1 new jobs, ascending, from the jobs' own sequence.
    var drawIDs: String { q("SELECT array_agg(id ORDER BY id) FROM (SELECT nextval('S.jobs_id_seq') AS id FROM generate_series(1, $1)) AS drawn") }

    /// One job that may be unique, and its wake-up when it is inserted available. No row when
    /// a live job holds its key. The columns after the job's are the wake-up's count.
    var insertUnique: String {
        q("""
        WITH inserted AS (
            INSERT INTO S.jobs (kind, queue, state, priority, args, meta, tags, max_attempts, inserted_at, scheduled_at, unique_key, unique_states)
            VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, ARRAY(SELECT jsonb_array_elements_text($7::jsonb)), $8, $9, $10, $11, $12::text[])
            ON CONFLICT DO NOTHING
            RETURNING \(Self.jobColumns)
        ), notified AS (
            SELECT pg_notify('\(channel)', '\(NodeMessage.jobsAvailableTag)' || queue) FROM inserted WHERE state = 'available'
        )
        SELECT *, (SELECT count(*) FROM notified) FROM inserted
        """)
    }

    var findUnique: String { q("SELECT \(Self.jobColumns) FROM S.jobs WHERE unique_key = $1 AND state = ANY (unique_states)") }

    /// Jobs of which some are unique, in one statement with their wake-ups. Each row's id is
    /// drawn before its insert is tried, so the two id lists say which rows went in: the first
    /// in row order, the second those inserted. A row whose key a live job holds (in the
    /// table, or earlier in the batch) is skipped. "" stands for no unique key.
    ///
    /// Rows go in by key: an insert waits for a key that another transaction took and has not
    /// committed, so two batches taking shared keys in different orders would each wait for
    /// the other. In one order, the later one only waits.
    var insertMayBeUnique: String {
        q("""
        WITH numbered AS MATERIALIZED (
            SELECT nextval('S.jobs_id_seq') AS id, r.*
            FROM unnest($1::text[], $2::text[], $3::text[], $4::int2[], $5::text[], $6::text[], $7::text[], $8::int4[],
                        $10::timestamptz[], $11::text[], $12::text[])
                WITH ORDINALITY AS r(kind, queue, state, priority, args, meta, tags, max_attempts, scheduled_at, unique_key, unique_states, n)
        ), inserted AS (
            INSERT INTO S.jobs (id, kind, queue, state, priority, args, meta, tags, max_attempts, inserted_at, scheduled_at, unique_key, unique_states)
            SELECT id, kind, queue, state, priority, args::jsonb, meta::jsonb, tags::text[], max_attempts, $9, scheduled_at,
                   NULLIF(unique_key, ''), NULLIF(unique_states, '')::text[]
            FROM numbered ORDER BY unique_key COLLATE "C", n
            ON CONFLICT DO NOTHING
            RETURNING id, queue, state
        ), notified AS (
            SELECT pg_notify('\(channel)', '\(NodeMessage.jobsAvailableTag)' || queue) FROM (SELECT DISTINCT queue FROM inserted WHERE state = 'available') AS woken
        )
        SELECT (SELECT array_agg(id ORDER BY n) FROM numbered), (SELECT array_agg(id) FROM inserted), (SELECT count(*) FROM notified)
        """)
    }

    /// The live jobs holding any of the keys in $1.
    var findUniques: String { q("SELECT \(Self.jobColumns) FROM S.jobs WHERE unique_key = ANY ($1::text[]) AND state = ANY (unique_states)") }

    var notify: String { "SELECT pg_notify('\(channel)', $1)" }
    /// Every payload of $1, in order, in one transaction.
    var notifyEach: String { "SELECT pg_notify('\(channel)', payload) FROM unnest($1::text[]) WITH ORDINALITY AS p(payload, n) ORDER BY n" }

    /// Locks the chosen rows with SKIP LOCKED, so concurrent claimers take disjoint jobs. It
    /// claims nothing from a paused queue, nor from a limited one: those go through
    /// ``claimWithinLimits`` under the queue's lock.
    var claim: String { claim(guard: "AND NOT EXISTS (SELECT 1 FROM S.queues WHERE name = $3 AND (paused OR concurrency IS NOT NULL OR rate_count IS NOT NULL))") }

    /// The claim for a limited queue, run after ``lockQueue`` has checked the queue is not paused.
    var claimWithinLimits: String { claim(guard: "") }

    private func claim(guard condition: String) -> String {
        q("""
        UPDATE S.jobs j SET state = 'executing', attempt = j.attempt + 1, attempted_at = $1, attempted_by = $2
        FROM (
            SELECT id FROM S.jobs
            WHERE state = 'available' AND queue = $3
              \(condition)
            ORDER BY priority, scheduled_at, id
            LIMIT $4
            FOR UPDATE SKIP LOCKED
        ) c
        WHERE j.id = c.id
        RETURNING \(Self.jobColumnsJ)
        """)
    }

    var limitedQueues: String { q("SELECT name FROM S.queues WHERE concurrency IS NOT NULL OR rate_count IS NOT NULL") }
    /// Serialises the claims of one limited queue across nodes until the transaction ends.
    var lockQueue: String { q("SELECT paused, concurrency, rate_count, rate_period FROM S.queues WHERE name = $1 FOR UPDATE") }
    var limitCounts: String {
        q("""
        SELECT (SELECT count(*) FROM S.jobs WHERE state = 'executing' AND queue = $1),
               (SELECT coalesce(sum(count), 0) FROM S.queue_starts WHERE queue = $1 AND started_at >= $2)
        """)
    }
    var recordStarts: String { q("INSERT INTO S.queue_starts (queue, started_at, count) VALUES ($1, $2, $3)") }
    var forgetStartsBefore: String { q("DELETE FROM S.queue_starts WHERE queue = $1 AND started_at < $2") }
    var setLimits: String {
        q("""
        INSERT INTO S.queues (name, concurrency, rate_count, rate_period, updated_at) VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (name) DO UPDATE SET concurrency = excluded.concurrency, rate_count = excluded.rate_count,
            rate_period = excluded.rate_period, updated_at = excluded.updated_at
        """)
    }

    /// Every outcome of a batch in one statement; fenced by attempt and node. Empty strings and
    /// the epoch stand for NULL (array elements cannot be bound as NULL here).
    var acknowledge: String {
        q("""
        UPDATE S.jobs j SET
            state = a.state,
            scheduled_at = coalesce(nullif(a.scheduled_at, 'epoch'), j.scheduled_at),
            finished_at = nullif(a.finished_at, 'epoch'),
            errors = CASE WHEN a.error = '' THEN j.errors ELSE j.errors || jsonb_build_array(a.error::jsonb) END,
            meta = CASE WHEN a.result = '' THEN j.meta ELSE jsonb_set(j.meta, '{result}', a.result::jsonb) END,
            max_attempts = j.max_attempts + a.extra
        FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[], $4::text[], $5::text[], $6::int4[], $7::int8[], $8::int4[], $9::text[])
            AS a(state, scheduled_at, finished_at, error, result, extra, id, attempt, node)
        WHERE j.id = a.id AND j.attempt = a.attempt AND j.attempted_by = a.node AND j.state = 'executing'
        RETURNING j.id
        """)
    }

    /// The common outcome alone (completed, no result): a narrower statement the server runs
    /// faster than ``acknowledge``; fenced the same way.
    var complete: String {
        q("""
        UPDATE S.jobs j SET state = 'completed', finished_at = $1
        FROM unnest($2::int8[], $3::int4[], $4::text[]) AS a(id, attempt, node)
        WHERE j.id = a.id AND j.attempt = a.attempt AND j.attempted_by = a.node AND j.state = 'executing'
        RETURNING j.id
        """)
    }

    var recordProgress: String {
        q("""
        UPDATE S.jobs SET meta = meta || jsonb_build_object('progress', $1::float8, 'progress_message', $2::text)
        WHERE id = $3 AND attempt = $4 AND attempted_by = $5 AND state = 'executing'
        """)
    }

    var jobByID: String { q("SELECT \(Self.jobColumns) FROM S.jobs WHERE id = $1") }

    func listJobs(where conditions: [String], limitParameter: Int) -> String {
        let clause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return q("SELECT \(Self.jobColumns) FROM S.jobs \(clause) ORDER BY id DESC LIMIT $\(limitParameter)")
    }

    var retry: String {
        q("""
        UPDATE S.jobs SET state = 'available', scheduled_at = $2, finished_at = NULL, max_attempts = greatest(max_attempts, attempt + 1)
        WHERE id = $1 AND state IN ('retryable', 'discarded', 'cancelled', 'completed')
        RETURNING \(Self.jobColumns)
        """)
    }

    var cancel: String {
        q("""
        UPDATE S.jobs SET state = 'cancelled', finished_at = $2,
            errors = errors || jsonb_build_array(jsonb_build_object('attempt', attempt, 'at', $3::text, 'message', $4::text))
        WHERE id = $1 AND state IN ('scheduled', 'available', 'executing', 'retryable')
        RETURNING \(Self.jobColumns)
        """)
    }

    var delete: String { q("DELETE FROM S.jobs WHERE id = $1 AND state <> 'executing' RETURNING \(Self.jobColumns)") }

    /// Read from the claim index, which holds exactly these states: it costs what the backlog
    /// holds, not what retention keeps.
    var activeCountsByQueue: String {
        q("SELECT queue, state, count(*) FROM S.jobs WHERE state IN ('scheduled', 'available', 'executing', 'retryable') GROUP BY queue, state")
    }
    /// Reads every finished job kept: costs what retention keeps.
    ///
    /// Each row also carries the seconds the server had spent on the statement when it sent
    /// the row: what the count cost the database, without the client's waits.
    var finalCountsByQueue: String {
        q("""
        SELECT queue, state, count(*), extract(epoch FROM clock_timestamp() - statement_timestamp())::float8
        FROM S.jobs WHERE state IN ('completed', 'discarded', 'cancelled') GROUP BY queue, state
        """)
    }
    var queueSettings: String { q("SELECT name, paused, concurrency, rate_count, rate_period FROM S.queues") }
    var setPaused: String {
        q("""
        INSERT INTO S.queues (name, paused, updated_at) VALUES ($1, $2, $3)
        ON CONFLICT (name) DO UPDATE SET paused = excluded.paused, updated_at = excluded.updated_at
        """)
    }

    var heartbeat: String {
        q("""
        INSERT INTO S.nodes (name, queues, kinds, started_at, heartbeat_at, running) VALUES ($1, $2, $3, $4, $5, $6)
        ON CONFLICT (name) DO UPDATE SET queues = excluded.queues, kinds = excluded.kinds,
            heartbeat_at = excluded.heartbeat_at, running = excluded.running
        """)
    }
    var removeNode: String { q("DELETE FROM S.nodes WHERE name = $1") }
    var nodes: String { q("SELECT name, queues, kinds, started_at, heartbeat_at, running FROM S.nodes ORDER BY heartbeat_at DESC") }
    var executingOnNode: String { q("SELECT id, attempt FROM S.jobs WHERE state = 'executing' AND attempted_by = $1") }

    var acquireLeadership: String {
        q("""
        INSERT INTO S.leaders (name, node, expires_at) VALUES ('maintenance', $1, $2)
        ON CONFLICT (name) DO UPDATE SET node = excluded.node, expires_at = excluded.expires_at
        WHERE S.leaders.node = excluded.node OR S.leaders.expires_at < $3
        RETURNING node
        """)
    }
    var resignLeadership: String { q("DELETE FROM S.leaders WHERE name = 'maintenance' AND node = $1") }

    var stage: String {
        q("""
        WITH staged AS (
            UPDATE S.jobs SET state = 'available'
            WHERE id IN (SELECT id FROM S.jobs WHERE state IN ('scheduled', 'retryable') AND scheduled_at <= $1
                         ORDER BY scheduled_at LIMIT $2 FOR UPDATE SKIP LOCKED)
            RETURNING queue
        )
        SELECT DISTINCT queue FROM staged
        """)
    }

    /// Executing jobs of nodes silent since $1, claimed before then too. A claim always names
    /// its node, so `attempted_by` is set.
    var orphanedAttempts: String {
        q("""
        SELECT id, attempt, attempted_by, max_attempts, queue FROM S.jobs
        WHERE state = 'executing' AND attempted_at < $1
          AND attempted_by NOT IN (SELECT name FROM S.nodes WHERE heartbeat_at >= $1)
        ORDER BY id LIMIT $2
        """)
    }

    var pruneOlderThan: String {
        q("WITH d AS (DELETE FROM S.jobs WHERE id IN (SELECT id FROM S.jobs WHERE state = $1 AND finished_at < $2 LIMIT $3) RETURNING 1) SELECT count(*) FROM d")
    }
    var queuesWithState: String { q("SELECT DISTINCT queue FROM S.jobs WHERE state = $1") }
    var pruneBeyondLast: String {
        q("""
        WITH d AS (DELETE FROM S.jobs WHERE id IN (SELECT id FROM S.jobs WHERE queue = $1 AND state = $2 ORDER BY id DESC OFFSET $3 LIMIT $4)
                   RETURNING 1)
        SELECT count(*) FROM d
        """)
    }
    var pruneNodes: String { q("DELETE FROM S.nodes WHERE heartbeat_at < $1") }

    var finishedPerMinute: String {
        q("""
        SELECT floor(extract(epoch FROM finished_at) / 60)::int8,
               count(*) FILTER (WHERE state = 'completed'), count(*) FILTER (WHERE state = 'discarded')
        FROM S.jobs WHERE state IN ('completed', 'discarded') AND finished_at >= $2 AND queue = $1
        GROUP BY 1
        """)
    }
    var latestWaits: String {
        q("""
        SELECT extract(epoch FROM attempted_at - scheduled_at)::float8 FROM S.jobs
        WHERE state IN ('completed', 'discarded') AND finished_at >= $2 AND queue = $1 AND attempted_at IS NOT NULL
        ORDER BY finished_at DESC LIMIT $3
        """)
    }

    // Schedules

    static let scheduleColumns = """
        name, definition, active, disabled_reason, next_run_at, last_run_at, last_status, last_job_id, \
        consecutive_failures, last_error, last_error_at, skipped_runs, created_at, updated_at
        """
    var createSchedule: String {
        q("""
        INSERT INTO S.schedules (name, definition, max_failures, active, next_run_at, created_at, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (name) DO NOTHING
        RETURNING \(Self.scheduleColumns)
        """)
    }
    var updateSchedule: String {
        q("UPDATE S.schedules SET definition = $2, max_failures = $3, next_run_at = $4, updated_at = $5 WHERE name = $1 RETURNING \(Self.scheduleColumns)")
    }
    var scheduleByName: String { q("SELECT \(Self.scheduleColumns) FROM S.schedules WHERE name = $1") }
    var allSchedules: String { q("SELECT \(Self.scheduleColumns) FROM S.schedules ORDER BY name") }
    var deleteSchedule: String { q("DELETE FROM S.schedules WHERE name = $1 RETURNING name") }
    var setScheduleActive: String {
        q("""
        UPDATE S.schedules SET active = $2, next_run_at = $3, disabled_reason = $4, updated_at = $5,
            consecutive_failures = CASE WHEN $2 THEN 0 ELSE consecutive_failures END
        WHERE name = $1 RETURNING \(Self.scheduleColumns)
        """)
    }
    var dueSchedules: String { q("SELECT \(Self.scheduleColumns) FROM S.schedules WHERE active AND next_run_at <= $1 ORDER BY next_run_at") }
    /// Serialises fires of one schedule across nodes until the transaction ends.
    /// The schedule as a fire finds it, locked, with its last run's job state.
    var lockSchedule: String {
        q("SELECT s.active, s.next_run_at, (SELECT state FROM S.jobs WHERE id = s.last_job_id) FROM S.schedules s WHERE s.name = $1 FOR UPDATE OF s")
    }
    /// $3 is 'skipped' or 'missed'.
    var skipScheduleFire: String {
        q("UPDATE S.schedules SET next_run_at = $2, last_status = $3, skipped_runs = skipped_runs + 1, updated_at = $4 WHERE name = $1")
    }
    var recordScheduleFire: String {
        q("UPDATE S.schedules SET next_run_at = $2, last_run_at = $3, last_job_id = $4, last_status = 'enqueued', updated_at = $5 WHERE name = $1")
    }
    /// A run's end: the last status only for the latest run; failures in a row for every run.
    var recordScheduleRun: String {
        q("""
        UPDATE S.schedules SET
            last_status = CASE WHEN last_job_id = $2 THEN $3 ELSE last_status END,
            consecutive_failures = CASE $3 WHEN 'failed' THEN consecutive_failures + 1 WHEN 'completed' THEN 0 ELSE consecutive_failures END,
            last_error = CASE WHEN $3 = 'failed' THEN $4 ELSE last_error END,
            last_error_at = CASE WHEN $3 = 'failed' THEN $5 ELSE last_error_at END,
            updated_at = $5
        WHERE name = $1
        """)
    }
    var disableFailingSchedule: String {
        q("""
        UPDATE S.schedules SET active = false, next_run_at = NULL,
            disabled_reason = 'deactivated after ' || consecutive_failures || ' failed runs in a row; last error: ' || coalesce(last_error, '?')
        WHERE name = $1 AND active AND max_failures IS NOT NULL AND consecutive_failures >= max_failures
        """)
    }
}
