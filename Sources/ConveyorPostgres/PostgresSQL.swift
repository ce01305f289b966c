import Conveyor
import Foundation
import PostgresNIO

/// Every statement the PostgreSQL store runs, in one place. Values are bound through
/// postgres-nio's string interpolation; tables are named through ``SchemaTable``, qualified with
/// the schema (validated to letters, digits and `_` before any statement is built).
struct PostgresSQL: Sendable {
    let schema: String
    let channel: String
    let jobs, nodes, leaders, queues, queueStarts, schedules, batches, kinds, migrations: SchemaTable
    /// The jobs' id sequence, as `nextval` takes it.
    let jobIDs: String

    init(schema: String) {
        self.init(schema: schema, qualifier: "\(schema).")
    }

    private init(schema: String, qualifier: String) {
        self.schema = schema
        self.channel = "\(schema)_signals"
        func table(_ name: String) -> SchemaTable { SchemaTable(qualified: qualifier + name) }
        (jobs, nodes, leaders, queues, queueStarts, schedules, batches, kinds, migrations) = (
            table("jobs"), table("nodes"), table("leaders"), table("queues"), table("queue_starts"), table("schedules"), table("batches"),
            table("kinds"), table("migrations")
        )
        jobIDs = qualifier + "jobs_id_seq"
    }

    /// The statements with bare table names, for prepared statements, whose text postgres-nio
    /// takes from a static property: connections find the schema through their `search_path`.
    static let unqualified = PostgresSQL(schema: "", qualifier: "")

    static let jobColumns = """
        id, kind, queue, state, priority, args, meta, tags, attempt, max_attempts, errors, \
        inserted_at, scheduled_at, attempted_at, finished_at, attempted_by, unique_key
        """
    static let jobColumnCount = jobColumns.split(separator: ",").count
    private static let jobColumnsJ = jobColumns.split(separator: ",").map { "j." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")

    // Migrations

    var lockMigrations: PostgresQuery { "SELECT pg_advisory_xact_lock(hashtext(\(migrations.qualified)))" }
    var createSchema: PostgresQuery { "CREATE SCHEMA IF NOT EXISTS \(unescaped: schema)" }
    /// Migrations name their tables bare: they run with the schema as the `search_path`.
    var useSchema: PostgresQuery { "SET LOCAL search_path TO \(unescaped: schema)" }
    var createMigrations: PostgresQuery {
        "CREATE TABLE IF NOT EXISTS \(migrations) (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
    }
    var appliedMigrations: PostgresQuery { "SELECT version FROM \(migrations)" }
    func recordMigration(version: Int, name: String) -> PostgresQuery {
        "INSERT INTO \(migrations) (version, name) VALUES (\(Int32(version)), \(name))"
    }

    // Inserts: positional, as their arrays come from ``InsertPlan``.

    /// Inserts many rows in one statement and answers their ids, sorted, in one array (one row
    /// to decode, not one per job). Tags travel as text[] literals (unnest cannot take an array
    /// of arrays); $11 names the queues to wake.
    var insertBulk: String {
        """
        WITH inserted AS (
            INSERT INTO \(jobs) (kind, queue, state, priority, args, meta, tags, max_attempts, inserted_at, scheduled_at)
            SELECT r.kind, r.queue, r.state, r.priority, r.args::jsonb, r.meta::jsonb, r.tags::text[], r.max_attempts, $9, r.scheduled_at
            FROM unnest($1::text[], $2::text[], $3::text[], $4::int2[], $5::text[], $6::text[], $7::text[], $8::int4[], $10::timestamptz[])
                AS r(kind, queue, state, priority, args, meta, tags, max_attempts, scheduled_at)
            RETURNING id
        ), notified AS (
            SELECT pg_notify($12, '\(NodeMessage.jobsAvailableTag)' || queue) FROM unnest($11::text[]) AS queue
        )
        SELECT (SELECT array_agg(id ORDER BY id) FROM inserted), (SELECT count(*) FROM notified)
        """
    }

    /// Ids for `count` new jobs, ascending, from the jobs' own sequence.
    func drawIDs(_ count: Int) -> PostgresQuery {
        "SELECT array_agg(id ORDER BY id) FROM (SELECT nextval(\(jobIDs)::regclass) AS id FROM generate_series(1, \(Int64(count)))) AS drawn"
    }

    /// One job that may be unique, and its wake-up when it is inserted available. No row when
    /// a live job holds its key. The columns after the job's are the wake-up's count.
    func insertUnique(_ job: JobInsert, uniqueness: (key: String, states: String)?, now: Date) -> PostgresQuery {
        let scheduledAt = job.scheduledAt ?? now
        let state = scheduledAt > now ? JobState.scheduled : .available
        let uniqueStates = uniqueness.map { "{" + $0.states.split(separator: ",").joined(separator: ",") + "}" }
        return """
        WITH inserted AS (
            INSERT INTO \(jobs) (kind, queue, state, priority, args, meta, tags, max_attempts, inserted_at, scheduled_at, unique_key, unique_states)
            VALUES (\(job.kind), \(job.queue), \(state.rawValue), \(Int16(clamping: job.priority)), \(job.args.text)::jsonb, \(job.meta.text)::jsonb,
                    \(job.tags)::text[], \(Int32(clamping: job.maxAttempts)), \(now), \(scheduledAt), \(uniqueness?.key), \(uniqueStates)::text[])
            ON CONFLICT DO NOTHING
            RETURNING \(unescaped: Self.jobColumns)
        ), notified AS (
            SELECT pg_notify(\(channel), \(NodeMessage.jobsAvailableTag) || queue) FROM inserted WHERE state = 'available'
        )
        SELECT *, (SELECT count(*) FROM notified) FROM inserted
        """
    }

    func findUnique(_ key: String?) -> PostgresQuery {
        "SELECT \(unescaped: Self.jobColumns) FROM \(jobs) WHERE unique_key = \(key) AND state = ANY (unique_states)"
    }

    /// Jobs of which some are unique, in one statement with their wake-ups. Each row's id is
    /// drawn before its insert is tried, so the two id lists say which rows went in: the first
    /// in row order, the second those inserted. A row whose key a live job holds (in the
    /// table, or earlier in the batch) is skipped. "" stands for no unique key.
    ///
    /// Rows go in by key: an insert waits for a key that another transaction took and has not
    /// committed, so two batches taking shared keys in different orders would each wait for
    /// the other. In one order, the later one only waits.
    var insertMayBeUnique: String {
        """
        WITH numbered AS MATERIALIZED (
            SELECT nextval('\(jobIDs)') AS id, r.*
            FROM unnest($1::text[], $2::text[], $3::text[], $4::int2[], $5::text[], $6::text[], $7::text[], $8::int4[],
                        $10::timestamptz[], $11::text[], $12::text[])
                WITH ORDINALITY AS r(kind, queue, state, priority, args, meta, tags, max_attempts, scheduled_at, unique_key, unique_states, n)
        ), inserted AS (
            INSERT INTO \(jobs) (id, kind, queue, state, priority, args, meta, tags, max_attempts, inserted_at, scheduled_at, unique_key, unique_states)
            SELECT id, kind, queue, state, priority, args::jsonb, meta::jsonb, tags::text[], max_attempts, $9, scheduled_at,
                   NULLIF(unique_key, ''), NULLIF(unique_states, '')::text[]
            FROM numbered ORDER BY unique_key COLLATE "C", n
            ON CONFLICT DO NOTHING
            RETURNING id, queue, state
        ), notified AS (
            SELECT pg_notify('\(channel)', '\(NodeMessage.jobsAvailableTag)' || queue) FROM (SELECT DISTINCT queue FROM inserted WHERE state = 'available') AS woken
        )
        SELECT (SELECT array_agg(id ORDER BY n) FROM numbered), (SELECT array_agg(id) FROM inserted), (SELECT count(*) FROM notified)
        """
    }

    /// The live jobs holding any of `keys`.
    func findUniques(_ keys: [String]) -> PostgresQuery {
        "SELECT \(unescaped: Self.jobColumns) FROM \(jobs) WHERE unique_key = ANY (\(keys)::text[]) AND state = ANY (unique_states)"
    }

    func notify(_ message: NodeMessage) -> PostgresQuery { "SELECT pg_notify(\(channel), \(message.text))" }
    /// Every payload, in order, in one transaction.
    func notifyEach(_ payloads: [String]) -> PostgresQuery {
        "SELECT pg_notify(\(channel), payload) FROM unnest(\(payloads)::text[]) WITH ORDINALITY AS p(payload, n) ORDER BY n"
    }

    // The hot path: prepared, positional (``HotStatement``).

    /// Locks the chosen rows with SKIP LOCKED, so concurrent claimers take disjoint jobs. It
    /// claims nothing from a paused queue, nor from a limited one: those go through
    /// ``claimWithinLimits`` under the queue's lock.
    var claim: String { claim(guard: "AND NOT EXISTS (SELECT 1 FROM \(queues) WHERE name = $3 AND (paused OR concurrency IS NOT NULL OR rate_count IS NOT NULL))") }

    /// The claim for a limited queue, run after ``lockQueue`` has checked the queue is not paused.
    var claimWithinLimits: String { claim(guard: "") }

    private func claim(guard condition: String) -> String {
        """
        UPDATE \(jobs) j SET state = 'executing', attempt = j.attempt + 1, attempted_at = $1, attempted_by = $2
        FROM (
            SELECT id FROM \(jobs)
            WHERE state = 'available' AND queue = $3
              \(condition)
            ORDER BY priority, scheduled_at, id
            LIMIT $4
            FOR UPDATE SKIP LOCKED
        ) c
        WHERE j.id = c.id
        RETURNING \(Self.jobColumnsJ)
        """
    }

    /// Every outcome of a batch in one statement; fenced by attempt and node. Empty strings and
    /// the epoch stand for NULL (array elements cannot be bound as NULL here).
    var acknowledge: String { acknowledge(returning: "j.id") }

    /// ``acknowledge`` for outcomes with ``FinalEffects``: the rows as they end come back.
    var acknowledgeReturningJobs: String { acknowledge(returning: Self.jobColumnsJ) }

    private func acknowledge(returning columns: String) -> String {
        """
        UPDATE \(jobs) j SET
            state = a.state,
            scheduled_at = coalesce(nullif(a.scheduled_at, 'epoch'), j.scheduled_at),
            finished_at = nullif(a.finished_at, 'epoch'),
            errors = CASE WHEN a.error = '' THEN j.errors ELSE j.errors || jsonb_build_array(a.error::jsonb) END,
            meta = CASE WHEN a.result = '' THEN j.meta ELSE jsonb_set(j.meta, '{result}', a.result::jsonb) END,
            max_attempts = j.max_attempts + a.extra
        FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[], $4::text[], $5::text[], $6::int4[], $7::int8[], $8::int4[], $9::text[])
            AS a(state, scheduled_at, finished_at, error, result, extra, id, attempt, node)
        WHERE j.id = a.id AND j.attempt = a.attempt AND j.attempted_by = a.node AND j.state = 'executing'
        RETURNING \(columns)
        """
    }

    /// The common outcome alone (completed, no result): a narrower statement the server runs
    /// faster than ``acknowledge``; fenced the same way.
    var complete: String {
        """
        UPDATE \(jobs) j SET state = 'completed', finished_at = $1
        FROM unnest($2::int8[], $3::int4[], $4::text[]) AS a(id, attempt, node)
        WHERE j.id = a.id AND j.attempt = a.attempt AND j.attempted_by = a.node AND j.state = 'executing'
        RETURNING j.id
        """
    }

    // Limits

    var limitedQueues: PostgresQuery { "SELECT name FROM \(queues) WHERE concurrency IS NOT NULL OR rate_count IS NOT NULL" }
    /// Serialises the claims of one limited queue across nodes until the transaction ends.
    func lockQueue(_ queue: String) -> PostgresQuery {
        "SELECT paused, concurrency, rate_count, rate_period FROM \(queues) WHERE name = \(queue) FOR UPDATE"
    }
    func limitCounts(_ queue: String, startedSince windowStart: Date) -> PostgresQuery {
        """
        SELECT (SELECT count(*) FROM \(jobs) WHERE state = 'executing' AND queue = \(queue)),
               (SELECT coalesce(sum(count), 0) FROM \(queueStarts) WHERE queue = \(queue) AND started_at >= \(windowStart))
        """
    }
    func recordStarts(_ queue: String, at now: Date, count: Int) -> PostgresQuery {
        "INSERT INTO \(queueStarts) (queue, started_at, count) VALUES (\(queue), \(now), \(Int32(count)))"
    }
    func forgetStarts(_ queue: String, before windowStart: Date) -> PostgresQuery {
        "DELETE FROM \(queueStarts) WHERE queue = \(queue) AND started_at < \(windowStart)"
    }
    func setLimits(_ limits: QueueLimits, queue: String, now: Date) -> PostgresQuery {
        """
        INSERT INTO \(queues) (name, concurrency, rate_count, rate_period, updated_at)
        VALUES (\(queue), \(limits.concurrency.map { Int32(clamping: $0) }), \(limits.rate.map { Int32(clamping: $0.count) }),
                \(limits.rate?.periodMicros), \(now))
        ON CONFLICT (name) DO UPDATE SET concurrency = excluded.concurrency, rate_count = excluded.rate_count,
            rate_period = excluded.rate_period, updated_at = excluded.updated_at
        """
    }

    func setRetention(_ retention: QueueRetention?, queue: String, now: Date) -> PostgresQuery {
        """
        INSERT INTO \(queues) (name, retention, updated_at) VALUES (\(queue), \(retention.map(StoreCoding.json))::jsonb, \(now))
        ON CONFLICT (name) DO UPDATE SET retention = excluded.retention, updated_at = excluded.updated_at
        """
    }

    // Jobs

    /// A report replaces the last one whole: without details, the last details go.
    func recordProgress(_ attempt: JobAttempt, _ progress: JobProgress) -> PostgresQuery {
        """
        UPDATE \(jobs) SET meta = (meta - 'progress_details')
            || jsonb_build_object('progress', \(progress.fraction)::float8, 'progress_message', \(progress.message)::text)
            || CASE WHEN \(progress.details?.text)::jsonb IS NULL THEN '{}'::jsonb
                    ELSE jsonb_build_object('progress_details', \(progress.details?.text)::jsonb) END
        WHERE id = \(attempt.jobID) AND attempt = \(Int32(clamping: attempt.attempt)) AND attempted_by = \(attempt.node) AND state = 'executing'
        """
    }

    func job(id: Int64) -> PostgresQuery { "SELECT \(unescaped: Self.jobColumns) FROM \(jobs) WHERE id = \(id)" }

    /// Jobs matching `filter`, newest first. A condition whose value is NULL is off; the
    /// server plans the statement with the values it is sent, so the others cost nothing.
    /// Counting, the same conditions without order or limit. An args filter is `@>`, the rule
    /// ``JSONValue/contains(_:)`` writes for the other stores.
    func jobs(matching filter: JobFilter, counting: Bool = false) -> PostgresQuery {
        let states = filter.states.isEmpty ? nil : filter.states.map(\.rawValue).sorted()
        let queueNames = filter.queues.isEmpty ? nil : filter.queues.sorted()
        let kinds = filter.kinds.isEmpty ? nil : filter.kinds.sorted()
        let tags = filter.tags.isEmpty ? nil : filter.tags.sorted()
        let args = filter.args.map { $0.jsonText }
        return """
            SELECT \(unescaped: counting ? "count(*)" : Self.jobColumns) FROM \(jobs)
            WHERE (\(states)::text[] IS NULL OR state = ANY (\(states)::text[]))
              AND (\(queueNames)::text[] IS NULL OR queue = ANY (\(queueNames)::text[]))
              AND (\(kinds)::text[] IS NULL OR kind = ANY (\(kinds)::text[]))
              AND (\(tags)::text[] IS NULL OR tags @> \(tags)::text[])
              AND (\(args)::jsonb IS NULL OR args @> \(args)::jsonb)
              AND (\(filter.batchID)::int8 IS NULL OR (meta ? 'batch_id' AND (meta->>'batch_id')::int8 = \(filter.batchID)::int8))
              AND (\(filter.schedule)::text IS NULL OR meta->>'schedule' = \(filter.schedule)::text)
              AND (\(filter.insertedAfter)::timestamptz IS NULL OR inserted_at >= \(filter.insertedAfter)::timestamptz)
              AND (\(filter.insertedBefore)::timestamptz IS NULL OR inserted_at < \(filter.insertedBefore)::timestamptz)
              AND (\(filter.beforeID)::int8 IS NULL OR id < \(filter.beforeID)::int8)
            \(unescaped: counting ? "" : "ORDER BY id DESC") LIMIT \(counting ? nil : Int64(filter.limit))
            """
    }

    /// The job's columns, then the state it had: its row is locked before it is read, so the
    /// state is the one this update replaced.
    func retry(id: Int64, now: Date) -> PostgresQuery {
        """
        UPDATE \(jobs) j SET state = 'available', scheduled_at = \(now), finished_at = NULL, max_attempts = greatest(j.max_attempts, j.attempt + 1)
        FROM (SELECT id, state FROM \(jobs) WHERE id = \(id) FOR UPDATE) AS before
        WHERE j.id = before.id AND before.state IN ('retryable', 'discarded', 'cancelled', 'completed')
        RETURNING \(unescaped: Self.jobColumnsJ), before.state
        """
    }

    func cancel(id: Int64, error: String, now: Date) -> PostgresQuery {
        """
        UPDATE \(jobs) SET state = 'cancelled', finished_at = \(now),
            errors = errors || jsonb_build_array(jsonb_build_object('attempt', attempt, 'at', \(StoreCoding.iso8601(now))::text, 'message', \(error)::text))
        WHERE id = \(id) AND state IN ('scheduled', 'available', 'executing', 'retryable')
        RETURNING \(unescaped: Self.jobColumns)
        """
    }

    func delete(id: Int64) -> PostgresQuery {
        "DELETE FROM \(jobs) WHERE id = \(id) AND state <> 'executing' RETURNING \(unescaped: Self.jobColumns)"
    }

    /// Read from the claim index, which holds exactly these states: it costs what the backlog
    /// holds, not what retention keeps.
    var activeCountsByQueue: PostgresQuery {
        "SELECT queue, state, count(*) FROM \(jobs) WHERE state IN ('scheduled', 'available', 'executing', 'retryable') GROUP BY queue, state"
    }
    /// Reads every finished job kept: costs what retention keeps.
    ///
    /// Each row also carries the seconds the server had spent on the statement when it sent
    /// the row: what the count cost the database, without the client's waits.
    var finalCountsByQueue: PostgresQuery {
        """
        SELECT queue, state, count(*), extract(epoch FROM clock_timestamp() - statement_timestamp())::float8
        FROM \(jobs) WHERE state IN ('completed', 'discarded', 'cancelled') GROUP BY queue, state
        """
    }
    var queueSettings: PostgresQuery { "SELECT name, paused, concurrency, rate_count, rate_period, retention::text FROM \(queues)" }
    func setPaused(_ paused: Bool, queue: String, now: Date) -> PostgresQuery {
        """
        INSERT INTO \(queues) (name, paused, updated_at) VALUES (\(queue), \(paused), \(now))
        ON CONFLICT (name) DO UPDATE SET paused = excluded.paused, updated_at = excluded.updated_at
        """
    }

    // Nodes and maintenance

    func heartbeat(_ node: NodeRecord) -> PostgresQuery {
        """
        INSERT INTO \(nodes) (name, queues, kinds, started_at, heartbeat_at, running, slots)
        VALUES (\(node.name), \(node.queues), \(node.kinds), \(node.startedAt), \(node.heartbeatAt), \(Int32(clamping: node.running)),
                \(node.slots.map { Int32(clamping: $0) }))
        ON CONFLICT (name) DO UPDATE SET queues = excluded.queues, kinds = excluded.kinds,
            heartbeat_at = excluded.heartbeat_at, running = excluded.running, slots = excluded.slots
        """
    }
    func removeNode(_ name: String) -> PostgresQuery { "DELETE FROM \(nodes) WHERE name = \(name)" }
    var allNodes: PostgresQuery { "SELECT name, queues, kinds, started_at, heartbeat_at, running, slots FROM \(nodes) ORDER BY heartbeat_at DESC" }
    func executing(on node: String) -> PostgresQuery { "SELECT id, attempt FROM \(jobs) WHERE state = 'executing' AND attempted_by = \(node)" }

    func acquireLeadership(node: String, until expiry: Date, now: Date) -> PostgresQuery {
        """
        INSERT INTO \(leaders) (name, node, expires_at) VALUES ('maintenance', \(node), \(expiry))
        ON CONFLICT (name) DO UPDATE SET node = excluded.node, expires_at = excluded.expires_at
        WHERE \(leaders).node = excluded.node OR \(leaders).expires_at < \(now)
        RETURNING node
        """
    }
    func resignLeadership(node: String) -> PostgresQuery { "DELETE FROM \(leaders) WHERE name = 'maintenance' AND node = \(node)" }

    func leader(now: Date) -> PostgresQuery { "SELECT node FROM \(leaders) WHERE name = 'maintenance' AND expires_at >= \(now)" }

    func stage(now: Date, limit: Int) -> PostgresQuery {
        """
        WITH staged AS (
            UPDATE \(jobs) SET state = 'available'
            WHERE id IN (SELECT id FROM \(jobs) WHERE state IN ('scheduled', 'retryable') AND scheduled_at <= \(now)
                         ORDER BY scheduled_at LIMIT \(Int64(limit)) FOR UPDATE SKIP LOCKED)
            RETURNING queue
        )
        SELECT DISTINCT queue FROM staged
        """
    }

    /// Executing jobs of nodes silent since `heartbeatBefore`, claimed before then too. A claim
    /// always names its node, so `attempted_by` is set.
    func orphanedAttempts(heartbeatBefore: Date, limit: Int) -> PostgresQuery {
        """
        SELECT id, attempt, attempted_by, max_attempts, queue FROM \(jobs)
        WHERE state = 'executing' AND attempted_at < \(heartbeatBefore)
          AND attempted_by NOT IN (SELECT name FROM \(nodes) WHERE heartbeat_at >= \(heartbeatBefore))
        ORDER BY id LIMIT \(Int64(limit))
        """
    }

    func deleteFinished(_ state: JobState, before: Date, in queues: QueueSelection, limit: Int) -> PostgresQuery {
        switch queues {
        case .only(let queue):
            """
            WITH d AS (DELETE FROM \(jobs) WHERE id IN (SELECT id FROM \(jobs) WHERE state = \(state.rawValue) AND finished_at < \(before)
                                                      AND queue = \(queue) LIMIT \(Int64(limit)))
                       RETURNING 1)
            SELECT count(*) FROM d
            """
        case .allExcept(let spared):
            """
            WITH d AS (DELETE FROM \(jobs) WHERE id IN (SELECT id FROM \(jobs) WHERE state = \(state.rawValue) AND finished_at < \(before)
                                                      AND queue <> ALL (\(spared)) LIMIT \(Int64(limit)))
                       RETURNING 1)
            SELECT count(*) FROM d
            """
        }
    }
    func queues(holding state: JobState) -> PostgresQuery { "SELECT DISTINCT queue FROM \(jobs) WHERE state = \(state.rawValue)" }
    func deleteFinished(_ state: JobState, queue: String, beyondNewest keep: Int, limit: Int) -> PostgresQuery {
        """
        WITH d AS (DELETE FROM \(jobs) WHERE id IN (SELECT id FROM \(jobs) WHERE queue = \(queue) AND state = \(state.rawValue)
                                                  ORDER BY id DESC OFFSET \(Int64(keep)) LIMIT \(Int64(limit)))
                   RETURNING 1)
        SELECT count(*) FROM d
        """
    }
    func removeNodes(heardBefore: Date) -> PostgresQuery { "DELETE FROM \(nodes) WHERE heartbeat_at < \(heardBefore)" }

    /// The oldest transaction of another session in this database that holds a snapshot or a
    /// transaction id (either keeps vacuum from clearing rows that died after it began). Without
    /// `pg_read_all_stats`, PostgreSQL shows only the sessions of the store's own role.
    let oldestHeldSnapshot: PostgresQuery = """
        SELECT pid::text, extract(epoch FROM xact_start)::float8, state, application_name, left(query, 200)
        FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL
          AND (backend_xmin IS NOT NULL OR backend_xid IS NOT NULL)
        ORDER BY xact_start LIMIT 1
        """

    func finishedPerMinute(queue: String, since: Date) -> PostgresQuery {
        """
        SELECT floor(extract(epoch FROM finished_at) / 60)::int8,
               count(*) FILTER (WHERE state = 'completed'), count(*) FILTER (WHERE state = 'discarded')
        FROM \(jobs) WHERE state IN ('completed', 'discarded') AND finished_at >= \(since) AND queue = \(queue)
        GROUP BY 1
        """
    }
    func latestWaits(queue: String, since: Date, limit: Int) -> PostgresQuery {
        """
        SELECT extract(epoch FROM attempted_at - scheduled_at)::float8 FROM \(jobs)
        WHERE state IN ('completed', 'discarded') AND finished_at >= \(since) AND queue = \(queue) AND attempted_at IS NOT NULL
        ORDER BY finished_at DESC LIMIT \(Int64(limit))
        """
    }

    // Schedules

    static let scheduleColumns = """
        name, definition, active, disabled_reason, next_run_at, last_run_at, last_status, last_job_id, \
        consecutive_failures, last_error, last_error_at, skipped_runs, created_at, updated_at
        """
    func createSchedule(_ definition: ScheduleDefinition, active: Bool, nextRunAt: Date?, now: Date) -> PostgresQuery {
        """
        INSERT INTO \(schedules) (name, definition, max_failures, active, next_run_at, created_at, updated_at)
        VALUES (\(definition.name), \(StoreCoding.json(definition)), \(definition.maxConsecutiveFailures.map { Int32(clamping: $0) }),
                \(active), \(nextRunAt), \(now), \(now))
        ON CONFLICT (name) DO NOTHING
        RETURNING \(unescaped: Self.scheduleColumns)
        """
    }
    func updateSchedule(_ definition: ScheduleDefinition, nextRunAt: Date?, now: Date) -> PostgresQuery {
        """
        UPDATE \(schedules) SET definition = \(StoreCoding.json(definition)),
            max_failures = \(definition.maxConsecutiveFailures.map { Int32(clamping: $0) }), next_run_at = \(nextRunAt), updated_at = \(now)
        WHERE name = \(definition.name) RETURNING \(unescaped: Self.scheduleColumns)
        """
    }
    func schedule(named name: String) -> PostgresQuery { "SELECT \(unescaped: Self.scheduleColumns) FROM \(schedules) WHERE name = \(name)" }
    /// A condition whose value is NULL is off.
    func schedules(matching filter: ScheduleFilter) -> PostgresQuery {
        """
        SELECT \(unescaped: Self.scheduleColumns) FROM \(schedules)
        WHERE (\(filter.active)::bool IS NULL OR active = \(filter.active)::bool)
          AND (\(filter.kind)::text IS NULL OR definition::jsonb->>'kind' = \(filter.kind)::text)
          AND (\(filter.afterName)::text IS NULL OR name COLLATE "C" > \(filter.afterName)::text COLLATE "C")
        ORDER BY name COLLATE "C" LIMIT \(Int64(filter.limit))
        """
    }
    func deleteSchedule(named name: String) -> PostgresQuery { "DELETE FROM \(schedules) WHERE name = \(name) RETURNING name" }
    func setScheduleActive(_ active: Bool, name: String, nextRunAt: Date?, reason: String?, now: Date) -> PostgresQuery {
        """
        UPDATE \(schedules) SET active = \(active), next_run_at = \(nextRunAt), disabled_reason = \(reason), updated_at = \(now),
            consecutive_failures = CASE WHEN \(active) THEN 0 ELSE consecutive_failures END
        WHERE name = \(name) RETURNING \(unescaped: Self.scheduleColumns)
        """
    }
    func dueSchedules(now: Date) -> PostgresQuery {
        "SELECT \(unescaped: Self.scheduleColumns) FROM \(schedules) WHERE active AND next_run_at <= \(now) ORDER BY next_run_at"
    }
    /// The schedule as a fire finds it, locked until the transaction ends (so one node fires
    /// it at a time), with its last run's job state.
    func lockSchedule(named name: String) -> PostgresQuery {
        """
        SELECT s.active, s.next_run_at, (SELECT state FROM \(jobs) WHERE id = s.last_job_id)
        FROM \(schedules) s WHERE s.name = \(name) FOR UPDATE OF s
        """
    }
    /// A fire recorded without a job: `status` is skipped or missed.
    func recordFireWithoutJob(_ name: String, status: ScheduleRunStatus, nextRunAt: Date?, now: Date) -> PostgresQuery {
        """
        UPDATE \(schedules) SET next_run_at = \(nextRunAt), last_status = \(status.rawValue), skipped_runs = skipped_runs + 1, updated_at = \(now)
        WHERE name = \(name)
        """
    }
    func recordFire(_ name: String, fireAt: Date, jobID: Int64, nextRunAt: Date?, now: Date) -> PostgresQuery {
        """
        UPDATE \(schedules) SET next_run_at = \(nextRunAt), last_run_at = \(fireAt), last_job_id = \(jobID), last_status = 'enqueued',
            updated_at = \(now)
        WHERE name = \(name)
        """
    }
    /// The bookkeeping a run's end changes (``ScheduleRunEnd``), locked until the transaction ends.
    func runRecord(ofSchedule name: String) -> PostgresQuery {
        """
        SELECT active, next_run_at, disabled_reason, last_job_id, last_status, consecutive_failures, max_failures, last_error, last_error_at
        FROM \(schedules) WHERE name = \(name) FOR UPDATE
        """
    }
    func writeRunRecord(_ record: ScheduleRunRecord, ofSchedule name: String, now: Date) -> PostgresQuery {
        """
        UPDATE \(schedules) SET active = \(record.active), next_run_at = \(record.nextRunAt), disabled_reason = \(record.disabledReason),
            last_status = \(record.lastStatus?.rawValue), consecutive_failures = \(Int32(clamping: record.consecutiveFailures)),
            last_error = \(record.lastError), last_error_at = \(record.lastErrorAt), updated_at = \(now)
        WHERE name = \(name)
        """
    }

    // Batches

    static let batchColumns = "id, callback::text, total, completed, discarded, cancelled, created_at, finished_at, callback_job_id"

    func insertBatch(_ callback: BatchCallback, total: Int, now: Date) -> PostgresQuery {
        """
        INSERT INTO \(batches) (callback, total, created_at) VALUES (\(StoreCoding.json(callback))::jsonb, \(Int32(clamping: total)), \(now))
        RETURNING \(unescaped: Self.batchColumns)
        """
    }

    /// Moves an open batch's counts and reads it back, its row locked until the transaction
    /// ends; no row once the batch has ended.
    func changeBatch(_ change: BatchChange) -> PostgresQuery {
        """
        UPDATE \(batches) SET total = total + \(Int32(clamping: change.total)), completed = completed + \(Int32(clamping: change.completed)),
            discarded = discarded + \(Int32(clamping: change.discarded)), cancelled = cancelled + \(Int32(clamping: change.cancelled))
        WHERE id = \(change.batchID) AND finished_at IS NULL
        RETURNING \(unescaped: Self.batchColumns)
        """
    }

    func finishBatch(_ id: Int64, callbackJobID: Int64, now: Date) -> PostgresQuery {
        "UPDATE \(batches) SET finished_at = \(now), callback_job_id = \(callbackJobID) WHERE id = \(id)"
    }

    func deleteBatches(endedBefore: Date, limit: Int) -> PostgresQuery {
        """
        DELETE FROM \(batches) WHERE id IN (
            SELECT id FROM \(batches) WHERE finished_at < \(endedBefore) LIMIT \(Int64(limit)))
        RETURNING 1
        """
    }

    func declareKind(_ kind: DeclaredKind) -> PostgresQuery {
        """
        INSERT INTO \(kinds) (kind, declaration, declared_at) VALUES (\(kind.kind), \(StoreCoding.json(kind))::jsonb, \(kind.declaredAt))
        ON CONFLICT (kind) DO UPDATE SET declaration = excluded.declaration, declared_at = excluded.declared_at
        """
    }

    func declaredKind(_ kind: String) -> PostgresQuery { "SELECT declaration::text FROM \(kinds) WHERE kind = \(kind)" }

    func batch(id: Int64) -> PostgresQuery { "SELECT \(unescaped: Self.batchColumns) FROM \(batches) WHERE id = \(id)" }

    func batches(beforeID: Int64?, limit: Int) -> PostgresQuery {
        """
        SELECT \(unescaped: Self.batchColumns) FROM \(batches)
        WHERE \(beforeID)::int8 IS NULL OR id < \(beforeID)::int8 ORDER BY id DESC LIMIT \(Int64(limit))
        """
    }
}

/// A table of the store's schema, written into a statement as `schema.name`.
struct SchemaTable: Sendable, CustomStringConvertible {
    let qualified: String
    var description: String { qualified }
}

extension PostgresQuery.StringInterpolation {
    mutating func appendInterpolation(_ table: SchemaTable) {
        appendInterpolation(unescaped: table.qualified)
    }

    /// Every date the store binds is a ``StoredTimestamp``: these take precedence over
    /// postgres-nio's own `Date` encoding, as ``PostgresBindings``' overloads do.
    mutating func appendInterpolation(_ date: Date) {
        appendInterpolation(StoredTimestamp(date))
    }

    mutating func appendInterpolation(_ date: Date?) {
        appendInterpolation(date.map(StoredTimestamp.init))
    }
}
