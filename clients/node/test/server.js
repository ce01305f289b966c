// A real `conveyor serve` on a new SQLite file (CONVEYOR_BIN, default the debug build).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(import.meta.url), '../../../..');
export const keys = { admin: 'admin-key-for-tests', work: 'work-key-for-tests', nodeOnly: 'node-only-key-for-tests', read: 'read-key-for-tests' };

export async function startServer() {
  const binary = resolve(process.env.CONVEYOR_BIN ?? join(root, '.build/debug/conveyor'));
  const folder = mkdtempSync(join(tmpdir(), 'conveyor-node-'));
  const log = join(folder, 'serve.log');
  const output = openSync(log, 'w');
  const environment = { ...process.env };
  delete environment.CONVEYOR_DATABASE_URL;
  const server = spawn(binary, ['serve', '--database', `sqlite:${join(folder, 'jobs.sqlite')}`, '--port', '0',
    '--rescue-after', '2s', '--heartbeat-interval', '500ms', '--max-lease-wait', '5s',
    '--api-key', `${keys.admin}:admin`, '--api-key', `${keys.work}:work:node+other`, '--api-key', `${keys.nodeOnly}:work:node`,
    '--api-key', `${keys.read}:read`], { cwd: folder, env: environment, stdio: ['ignore', output, output] });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (server.exitCode !== null || Date.now() > deadline) throw new Error(`conveyor serve did not start:\n${readFileSync(log, 'utf8')}`);
    const port = readFileSync(log, 'utf8').match(/listening on 127\.0\.0\.1:(\d+)/)?.[1];
    if (port) {
      const url = `http://127.0.0.1:${port}`;
      try { if ((await fetch(`${url}/health`)).ok) return { url, stop: () => new Promise((done) => { server.once('exit', done); server.kill('SIGTERM'); }) }; } catch { /* not yet */ }
    }
    await new Promise((done) => setTimeout(done, 50));
  }
}

export async function waitUntil(condition, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((done) => setTimeout(done, 50));
  }
}
