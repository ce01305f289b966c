import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Worker, Discard } from '../src/index.js';
import { startServer, keys, waitUntil } from './server.js';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server.stop(); });

async function states(admin, jobs) {
  const found = {};
  for (const job of jobs) { const state = (await admin.job(job.id)).state; found[state] = (found[state] ?? 0) + 1; }
  return found;
}

test('a worker runs each job once, at most `concurrency` at a time', async () => {
  const admin = new Client(server.url, { apiKey: keys.admin });
  const jobs = await admin.enqueueMany([...Array(200).keys()].map((n) => ({ kind: 'node.count', queue: 'node', args: { n } }))
    .concat([{ kind: 'node.refuse', queue: 'node', args: {} }]));
  const seen = new Map();
  let now = 0, most = 0;
  const worker = new Worker(new Client(server.url, { apiKey: keys.work }), { queues: ['node'], concurrency: 8, name: 'node-pool', heartbeatSeconds: 0.5, pollWaitSeconds: 0.5 });
  worker.handle('node.count', async (job) => {
    seen.set(job.args.n, (seen.get(job.args.n) ?? 0) + 1);
    most = Math.max(most, ++now);
    await new Promise((done) => setTimeout(done, 10));
    now -= 1;
    return { n: job.args.n };
  });
  worker.handle('node.refuse', () => { throw new Discard('not for this worker'); });
  const running = worker.run({ signals: false });
  await waitUntil(async () => seen.size === 200 && JSON.stringify(await states(admin, jobs)) === JSON.stringify({ completed: 200, discarded: 1 }));
  const nodes = await (await fetch(server.url + '/api/v1/nodes', { headers: { authorization: `Bearer ${keys.admin}` } })).json();
  assert.equal(nodes.nodes.find((node) => node.name === 'node-pool')?.slots, 8, 'the worker\'s concurrency is its node\'s slots');
  worker.stop();
  await running;
  assert.ok([...seen.values()].every((times) => times === 1));
  assert.ok(most > 1 && most <= 8, `most at once: ${most}`);
  assert.deepEqual((await admin.job(jobs[5].id)).meta.result, { n: 5 });
});

test('SIGTERM lets running jobs finish before the process exits', async () => {
  const admin = new Client(server.url, { apiKey: keys.admin });
  const jobs = await admin.enqueueMany([...Array(12).keys()].map((n) => ({ kind: 'node.slow', queue: 'node', args: { n } })));
  const started = join(mkdtempSync(join(tmpdir(), 'node-sigterm-')), 'started');
  const script = `
    import { appendFileSync } from 'node:fs';
    import { Client, Worker } from ${JSON.stringify(new URL('../src/index.js', import.meta.url).href)};
    const worker = new Worker(new Client(${JSON.stringify(server.url)}, { apiKey: ${JSON.stringify(keys.work)} }),
      { queues: ['node'], concurrency: 3, name: 'node-sigterm', heartbeatSeconds: 0.5, pollWaitSeconds: 0.5 });
    worker.handle('node.slow', async (job) => {
      appendFileSync(${JSON.stringify(started)}, job.args.n + '\\n');
      await new Promise((done) => setTimeout(done, 1000));
      return { n: job.args.n };
    });
    await worker.run();`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'inherit' });
  const exited = new Promise((done) => child.once('exit', (code) => done(code)));
  await waitUntil(() => existsSync(started) && readFileSync(started, 'utf8').trim().split('\n').length >= 3);
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
  const ran = new Set(readFileSync(started, 'utf8').trim().split('\n').map(Number));
  for (const job of jobs) {
    assert.equal((await admin.job(job.id)).state, ran.has(job.args.n) ? 'completed' : 'available', `job ${job.args.n}`);
  }
  assert.ok(ran.size >= 3 && ran.size < 12);
});

test('declared options reach enqueues by kind, and a timed-out attempt is retried by the declared backoff', async () => {
  const admin = new Client(server.url, { apiKey: keys.admin });
  const worker = new Worker(new Client(server.url, { apiKey: keys.work }), { queues: ['node'], concurrency: 2, name: 'node-slow', heartbeatSeconds: 0.5, pollWaitSeconds: 0.5 });
  const toldToStop = new Set();
  worker.handle('node.slow', async (job) => {
    await new Promise((done) => {
      const timer = setTimeout(done, 5000);
      job.signal.addEventListener('abort', () => { toldToStop.add(`${job.job.id}/${job.job.attempt}`); clearTimeout(timer); done(); });
    });
    return { finished: !job.cancelled };
  }, { maxAttempts: 2, priority: 3, tags: ['slow'], timeoutSeconds: 0.5, backoff: { type: 'fixed', base_seconds: 0.2 } });
  const running = worker.run({ signals: false });
  // Declared when the worker starts: an enqueue by kind alone, with no queue, lands in "node".
  await waitUntil(async () => (await (await fetch(`${server.url}/api/v1/nodes`, { headers: { authorization: `Bearer ${keys.admin}` } })).json())
    .nodes.some((node) => node.name === 'node-slow'));
  const job = await admin.enqueue('node.slow');
  assert.deepEqual([job.queue, job.priority, job.max_attempts, job.tags], ['node', 3, 2, ['slow']]);
  await waitUntil(async () => (await admin.job(job.id)).state === 'discarded');
  worker.stop();
  await running;
  const final = await admin.job(job.id);
  assert.equal(final.attempt, 2);
  assert.deepEqual(final.errors.map((error) => error.message), ['timed out after 0.5 s', 'timed out after 0.5 s']);
  assert.deepEqual([...toldToStop].sort(), [`${job.id}/1`, `${job.id}/2`], 'the handler was told to stop at each timed-out attempt');
  assert.equal(final.meta.result, undefined, 'what the handler returned after its timeout was not stored');
  assert.ok(Date.parse(final.errors[1].at) - Date.parse(final.errors[0].at) < 5000, 'retried after the declared 0.2 s, not the default 15 s');
});
