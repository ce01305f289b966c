-- pgbench script, lean: lighter than Conveyor's statements (nothing answered, completion by node
-- alone), so a stricter bound than pg-claim-complete.sql. Each transaction claims a
-- batch with the store's claim statement (SKIP LOCKED on the fetch index), then completes the
-- batch in a second statement, as Conveyor's producer and outcome writer do.
-- Run by benchmarks/pg-limit.sh; :batch is set there.
UPDATE bench.jobs j SET state = 'executing', attempt = j.attempt + 1, attempted_at = now(), attempted_by = 'pgbench-' || :client_id
FROM (
    SELECT id FROM bench.jobs
    WHERE state = 'available' AND queue = 'default'
      AND NOT EXISTS (SELECT 1 FROM bench.queues WHERE name = 'default' AND paused)
    ORDER BY priority, scheduled_at, id
    LIMIT :batch
    FOR UPDATE SKIP LOCKED
) c
WHERE j.id = c.id;
UPDATE bench.jobs SET state = 'completed', finished_at = now()
WHERE state = 'executing' AND attempted_by = 'pgbench-' || :client_id;
