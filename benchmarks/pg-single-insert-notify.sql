-- The same single insert as pg-single-insert.sql with its wake-up in the same statement, as
-- Conveyor's enqueue sends it (a NOTIFY on the schema's channel naming the queue): what the
-- server itself pays for telling idle nodes at once. Run by benchmarks/pg-single-limit.sh.
-- (chr(58) is ':', which pgbench would read as the start of a variable.)
WITH inserted AS (
    INSERT INTO bench.jobs (kind, queue, state, priority, args, max_attempts, inserted_at, scheduled_at)
    VALUES ('noop', 'default', 'available', 0, '{}', 20, now(), now())
    RETURNING id
), notified AS (
    SELECT pg_notify('bench_signals', 'a' || chr(58) || 'default')
)
SELECT (SELECT id FROM inserted), (SELECT count(*) FROM notified);
