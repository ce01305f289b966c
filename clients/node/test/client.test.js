import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client, ConveyorError, LeaseLost } from '../src/index.js';
import { startServer, keys } from './server.js';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server.stop(); });

test('enqueue one and many, with duplicates', async () => {
  const admin = new Client(server.url, { apiKey: keys.admin });
  const first = await admin.enqueue('node.process_text', { source_id: 's1' }, { queue: 'node', unique: { by: 'args' } });
  const again = await admin.enqueue('node.process_text', { source_id: 's1' }, { queue: 'node', unique: { by: 'args' } });
  assert.equal(first.duplicate, false);
  assert.equal(again.duplicate, true);
  assert.equal(again.id, first.id);
  const many = await admin.enqueueMany([0, 1, 2].map((n) => ({ kind: 'node.bulk', queue: 'other', args: { n } })));
  assert.deepEqual(many.map((job) => job.args.n), [0, 1, 2]);
  await admin.enqueue('node.nothing', {}, { queue: 'elsewhere' });
});

test('a lease reports progress, completes once, and a stale lease is refused with 409', async () => {
  const admin = new Client(server.url, { apiKey: keys.admin });
  const worker = new Client(server.url, { apiKey: keys.work });
  const job = await admin.enqueue('node.lease', { x: 1 }, { queue: 'other', priority: 0 });
  const leases = await worker.fetch('node-test-1', ['other'], { limit: 10, waitSeconds: 1 });
  const lease = leases.find((item) => item.job.id === job.id);
  assert.ok(lease, 'the job was leased');
  assert.equal(lease.job.state, 'executing');
  await worker.progress(lease.lease, 0.5, 'halfway', { step: 2 });
  assert.equal((await admin.job(job.id)).meta.progress, 0.5);
  const done = await worker.complete(lease.lease, { vectors: 3 });
  assert.equal(done.state, 'completed');
  assert.deepEqual(done.meta.result, { vectors: 3 });
  await assert.rejects(worker.complete(lease.lease, {}), (error) => error instanceof LeaseLost && error.status === 409);
  for (const other of leases.filter((item) => item.job.id !== job.id)) await worker.discard(other.lease, 'not this test');
});

test('a failed attempt is retried; keys reach only their queues; a bad field is named', async () => {
  const admin = new Client(server.url, { apiKey: keys.admin });
  const worker = new Client(server.url, { apiKey: keys.work });
  const job = await admin.enqueue('node.flaky', {}, { queue: 'node', max_attempts: 3 });
  let lease = (await worker.fetch('node-test-2', ['node'], { waitSeconds: 1, limit: 10 })).find((item) => item.job.id === job.id);
  const failed = await worker.fail(lease.lease, 'Pinecone answered 503', 0);
  assert.equal(failed.errors.at(-1).message, 'Pinecone answered 503');
  lease = (await worker.fetch('node-test-2', ['node'], { waitSeconds: 2, limit: 10 })).find((item) => item.job.id === job.id);
  assert.equal(lease.job.attempt, 2);
  await worker.complete(lease.lease);
  await assert.rejects(new Client(server.url, { apiKey: keys.read }).fetch('node-test-3', ['node']), (error) => error instanceof ConveyorError && error.status === 403);
  await assert.rejects(new Client(server.url, { apiKey: keys.nodeOnly }).fetch('node-test-3', ['other']), (error) => error.status === 403);
  await assert.rejects(worker.fetch('not a name!', ['node']), (error) => error.status === 400 && error.field === 'worker');
});
