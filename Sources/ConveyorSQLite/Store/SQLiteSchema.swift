import Conveyor

/// Versioned migrations: each runs once, in order, inside one write transaction.
enum SQLiteSchema {
    static let migrations: [SchemaMigration] = [
        SchemaMigration(version: 1, name: "jobs, nodes, leaders, queues", sql: """
            CREATE TABLE conveyor_jobs (
                id INTEGER PRIMARY KEY,
                kind TEXT NOT NULL,
                queue TEXT NOT NULL,
                -- No CHECK on state: it would run on every state change and cost about a third of
                -- the hot path (measured with benchmarks/sqlite_limit.c). Only the store's own
                -- statements write states, and reading an unknown one is an error.
                state TEXT NOT NULL,
                priority INTEGER NOT NULL CHECK (priority BETWEEN 0 AND 9),
                args TEXT NOT NULL CHECK (json_valid(args)),
                meta TEXT NOT NULL DEFAULT '{}',
                tags TEXT NOT NULL DEFAULT '[]',
                errors TEXT NOT NULL DEFAULT '[]',
                attempt INTEGER NOT NULL DEFAULT 0,
                max_attempts INTEGER NOT NULL CHECK (max_attempts > 0),
                inserted_at INTEGER NOT NULL,
                scheduled_at INTEGER NOT NULL,
                attempted_at INTEGER,
                finished_at INTEGER,
                attempted_by TEXT,
                unique_key TEXT,
                unique_states TEXT
            );
            -- One index serves the claim (state, queue, then priority order), staging, rescue and
            -- the counts, as Oban's does: every index is paid for on every state change.
            CREATE INDEX conveyor_jobs_fetch ON conveyor_jobs (state, queue, priority, scheduled_at, id);
            CREATE INDEX conveyor_jobs_finished ON conveyor_jobs (state, finished_at) WHERE finished_at IS NOT NULL;
            -- One job per unique key among the jobs whose state is one of that key's states.
            CREATE UNIQUE INDEX conveyor_jobs_unique ON conveyor_jobs (unique_key)
                WHERE unique_key IS NOT NULL AND instr(unique_states, ',' || state || ',') > 0;
            CREATE TABLE conveyor_nodes (
                name TEXT PRIMARY KEY,
                queues TEXT NOT NULL,
                kinds TEXT NOT NULL DEFAULT '[]',
                started_at INTEGER NOT NULL,
                heartbeat_at INTEGER NOT NULL,
                running INTEGER NOT NULL DEFAULT 0
            );
            CREATE TABLE conveyor_leaders (
                name TEXT PRIMARY KEY,
                node TEXT NOT NULL,
                expires_at INTEGER NOT NULL
            );
            CREATE TABLE conveyor_queues (
                name TEXT PRIMARY KEY,
                paused INTEGER NOT NULL DEFAULT 0,
                updated_at INTEGER NOT NULL
            );
            """),
        SchemaMigration(version: 2, name: "queue limits across nodes", sql: """
            ALTER TABLE conveyor_queues ADD COLUMN concurrency INTEGER;
            ALTER TABLE conveyor_queues ADD COLUMN rate_count INTEGER;
            ALTER TABLE conveyor_queues ADD COLUMN rate_period INTEGER;
            -- One row per claim that started jobs of a rate-limited queue: the sliding window.
            CREATE TABLE conveyor_queue_starts (
                queue TEXT NOT NULL,
                started_at INTEGER NOT NULL,
                count INTEGER NOT NULL
            );
            CREATE INDEX conveyor_queue_starts_window ON conveyor_queue_starts (queue, started_at);
            """),
        SchemaMigration(version: 3, name: "schedules", sql: """
            -- The definition is JSON (ScheduleDefinition); the columns are what queries and
            -- the scheduler's updates touch.
            CREATE TABLE conveyor_schedules (
                name TEXT PRIMARY KEY,
                definition TEXT NOT NULL,
                max_failures INTEGER,
                active INTEGER NOT NULL,
                disabled_reason TEXT,
                next_run_at INTEGER,
                last_run_at INTEGER,
                last_status TEXT,
                last_job_id INTEGER,
                consecutive_failures INTEGER NOT NULL DEFAULT 0,
                last_error TEXT,
                last_error_at INTEGER,
                skipped_runs INTEGER NOT NULL DEFAULT 0,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL
            );
            CREATE INDEX conveyor_schedules_due ON conveyor_schedules (next_run_at) WHERE active;
            """),
        SchemaMigration(version: 4, name: "batches", sql: """
            -- The counts move in the transactions that end the batch's jobs (BatchChange), so
            -- they hold when finished jobs are pruned; the callback is BatchCallback's JSON.
            CREATE TABLE conveyor_batches (
                id INTEGER PRIMARY KEY,
                callback TEXT NOT NULL,
                total INTEGER NOT NULL,
                completed INTEGER NOT NULL DEFAULT 0,
                discarded INTEGER NOT NULL DEFAULT 0,
                cancelled INTEGER NOT NULL DEFAULT 0,
                created_at INTEGER NOT NULL,
                finished_at INTEGER,
                callback_job_id INTEGER
            );
            -- A job's batch lives in its meta. The condition is a text comparison, not a JSON
            -- parse: it runs for every job inserted, and most jobs' meta is '{}'.
            CREATE INDEX conveyor_jobs_batch ON conveyor_jobs (json_extract(meta, '$.batch_id')) WHERE meta <> '{}';
            """),
        SchemaMigration(version: 5, name: "declared kinds", sql: """
            -- What each kind's worker gives new jobs (DeclaredKind's JSON), as its nodes declared it.
            CREATE TABLE conveyor_kinds (
                kind TEXT PRIMARY KEY,
                declaration TEXT NOT NULL,
                declared_at INTEGER NOT NULL
            );
            """),
        SchemaMigration(version: 6, name: "retention per queue", sql: """
            -- QueueRetention's JSON: the queue's own rules per final state, or NULL.
            ALTER TABLE conveyor_queues ADD COLUMN retention TEXT;
            """),
        SchemaMigration(version: 7, name: "job events between processes", sql: """
            -- Job events of each process, for the other processes on the file (EventPayload's
            -- lines), kept for a minute; written only while some process watches.
            CREATE TABLE conveyor_events (
                id INTEGER PRIMARY KEY,
                sender TEXT NOT NULL,
                body TEXT NOT NULL,
                at INTEGER NOT NULL
            );
            -- The store instances that have event subscribers, until their last word expires.
            CREATE TABLE conveyor_event_watchers (
                watcher TEXT PRIMARY KEY,
                until INTEGER NOT NULL
            );
            """),
        SchemaMigration(version: 8, name: "node slots", sql: """
            -- How many jobs a node runs at once; NULL for a worker process that did not say.
            ALTER TABLE conveyor_nodes ADD COLUMN slots INTEGER;
            """),
    ]

    static let createMigrationsTable = """
        CREATE TABLE IF NOT EXISTS conveyor_migrations (
            version INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at INTEGER NOT NULL
        )
        """
}
