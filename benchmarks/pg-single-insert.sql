-- PostgreSQL's own limit for a single enqueue: one caller, one job per statement, each its
-- own transaction (autocommit), into the table `conveyor migrate` creates. Run by
-- benchmarks/pg-single-limit.sh.
INSERT INTO bench.jobs (kind, queue, state, priority, args, max_attempts, inserted_at, scheduled_at)
VALUES ('noop', 'default', 'available', 0, '{}', 20, now(), now());
