import Conveyor

/// Versioned migrations, with bare table names: they run with the configured schema as the
/// `search_path`. Each runs once, in order, in one transaction holding an advisory lock, so
/// several nodes can start at once.
enum PostgresSchema {
    static let migrations: [SchemaMigration] = [
        SchemaMigration(version: 1, name: "jobs, nodes, leaders, queues", sql: """
            CREATE TABLE jobs (
                id bigserial PRIMARY KEY,
                kind text NOT NULL,
                queue text NOT NULL,
                state text NOT NULL,
                priority smallint NOT NULL CHECK (priority BETWEEN 0 AND 9),
                args jsonb NOT NULL,
                meta jsonb NOT NULL DEFAULT '{}',
                tags text[] NOT NULL DEFAULT '{}',
                errors jsonb NOT NULL DEFAULT '[]',
                attempt integer NOT NULL DEFAULT 0,
                max_attempts integer NOT NULL CHECK (max_attempts > 0),
                inserted_at timestamptz NOT NULL,
                scheduled_at timestamptz NOT NULL,
                attempted_at timestamptz,
                finished_at timestamptz,
                attempted_by text,
                unique_key text,
                unique_states text[]
            );
            CREATE INDEX jobs_fetch ON jobs (state, queue, priority, scheduled_at, id);
            CREATE INDEX jobs_finished ON jobs (state, finished_at) WHERE finished_at IS NOT NULL;
            CREATE UNIQUE INDEX jobs_unique ON jobs (unique_key)
                WHERE unique_key IS NOT NULL AND state = ANY (unique_states);
            CREATE TABLE nodes (
                name text PRIMARY KEY,
                queues text[] NOT NULL,
                kinds text[] NOT NULL DEFAULT '{}',
                started_at timestamptz NOT NULL,
                heartbeat_at timestamptz NOT NULL,
                running integer NOT NULL DEFAULT 0
            );
            CREATE TABLE leaders (
                name text PRIMARY KEY,
                node text NOT NULL,
                expires_at timestamptz NOT NULL
            );
            CREATE TABLE queues (
                name text PRIMARY KEY,
                paused boolean NOT NULL DEFAULT false,
                updated_at timestamptz NOT NULL
            );
            """),
        SchemaMigration(version: 2, name: "queue limits across nodes", sql: """
            ALTER TABLE queues ADD COLUMN concurrency integer, ADD COLUMN rate_count integer, ADD COLUMN rate_period bigint;
            CREATE TABLE queue_starts (
                queue text NOT NULL,
                started_at timestamptz NOT NULL,
                count integer NOT NULL
            );
            CREATE INDEX queue_starts_window ON queue_starts (queue, started_at);
            """),
        SchemaMigration(version: 3, name: "schedules", sql: """
            CREATE TABLE schedules (
                name text PRIMARY KEY,
                definition text NOT NULL,
                max_failures integer,
                active boolean NOT NULL,
                disabled_reason text,
                next_run_at timestamptz,
                last_run_at timestamptz,
                last_status text,
                last_job_id bigint,
                consecutive_failures integer NOT NULL DEFAULT 0,
                last_error text,
                last_error_at timestamptz,
                skipped_runs integer NOT NULL DEFAULT 0,
                created_at timestamptz NOT NULL,
                updated_at timestamptz NOT NULL
            );
            CREATE INDEX schedules_due ON schedules (next_run_at) WHERE active;
            """),
        // A finished job leaves the claim index instead of taking a new entry in it (decision
        // 0002). The table is locked while the index is rebuilt, one pass over it.
        SchemaMigration(version: 4, name: "claim index holds unfinished jobs only", sql: """
            DROP INDEX jobs_fetch;
            CREATE INDEX jobs_fetch ON jobs (state, queue, priority, scheduled_at, id)
                WHERE state IN ('scheduled', 'available', 'executing', 'retryable');
            """),
        SchemaMigration(version: 5, name: "batches", sql: """
            -- The counts move in the transactions that end the batch's jobs (BatchChange), so
            -- they hold when finished jobs are pruned; the callback is BatchCallback's JSON.
            CREATE TABLE batches (
                id bigserial PRIMARY KEY,
                callback jsonb NOT NULL,
                total integer NOT NULL,
                completed integer NOT NULL DEFAULT 0,
                discarded integer NOT NULL DEFAULT 0,
                cancelled integer NOT NULL DEFAULT 0,
                created_at timestamptz NOT NULL,
                finished_at timestamptz,
                callback_job_id bigint
            );
            -- A job's batch lives in its meta; only jobs of a batch are in this index.
            CREATE INDEX jobs_batch ON jobs (((meta->>'batch_id')::bigint)) WHERE meta ? 'batch_id'
            """),
        SchemaMigration(version: 6, name: "declared kinds", sql: """
            -- What each kind's worker gives new jobs (DeclaredKind's JSON), as its nodes declared it.
            CREATE TABLE kinds (
                kind text PRIMARY KEY,
                declaration jsonb NOT NULL,
                declared_at timestamptz NOT NULL
            )
            """),
        SchemaMigration(version: 7, name: "retention per queue", sql: """
            -- QueueRetention's JSON: the queue's own rules per final state, or NULL.
            ALTER TABLE queues ADD COLUMN retention jsonb
            """),
        SchemaMigration(version: 8, name: "node slots", sql: """
            -- How many jobs a node runs at once; NULL for a worker process that did not say.
            ALTER TABLE nodes ADD COLUMN slots integer
            """),
    ]
}
