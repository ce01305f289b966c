-- pgbench script: Conveyor's hot path on PostgreSQL without Conveyor, with the store's own
-- statements (PostgresSQL.claim and PostgresSQL.complete): claim a batch with SKIP LOCKED on
-- the fetch index, answering every job column as the claim does; then complete the batch,
-- fenced by id, attempt and node as the outcome writer does, joined to the same unnest of
-- arrays. pgbench cannot bind the claim's answer as arrays, as Conveyor does, so the arrays are
-- gathered from the rows this client holds: one small extra index scan per batch.
-- Run by benchmarks/pg-limit.sh with pgbench -M prepared (Conveyor prepares both); :batch is set there.
UPDATE bench.jobs j SET state = 'executing', attempt = j.attempt + 1, attempted_at = now(), attempted_by = 'pgbench-' || :client_id
FROM (
    SELECT id FROM bench.jobs
    WHERE state = 'available' AND queue = 'default'
      AND NOT EXISTS (SELECT 1 FROM bench.queues WHERE name = 'default' AND (paused OR concurrency IS NOT NULL OR rate_count IS NOT NULL))
    ORDER BY priority, scheduled_at, id
    LIMIT :batch
    FOR UPDATE SKIP LOCKED
) c
WHERE j.id = c.id
RETURNING j.id, j.kind, j.queue, j.state, j.priority, j.args, j.meta, j.tags, j.attempt, j.max_attempts, j.errors,
          j.inserted_at, j.scheduled_at, j.attempted_at, j.finished_at, j.attempted_by, j.unique_key;
UPDATE bench.jobs j SET state = 'completed', finished_at = now()
FROM (SELECT array_agg(id) AS ids, array_agg(attempt) AS attempts, array_agg(attempted_by) AS nodes
      FROM bench.jobs WHERE state = 'executing' AND attempted_by = 'pgbench-' || :client_id) held,
     unnest(held.ids, held.attempts, held.nodes) AS a(id, attempt, node)
WHERE j.id = a.id AND j.attempt = a.attempt AND j.attempted_by = a.node AND j.state = 'executing'
RETURNING j.id;
