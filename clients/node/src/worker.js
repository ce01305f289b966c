import { hostname } from 'node:os';
import { LeaseLost } from './errors.js';

/** Throw to run the job again after `seconds`; the attempt does not count. */
export class Snooze extends Error {
  /** @param {number} seconds */
  constructor(seconds) { super(`snoozed for ${seconds} s`); this.seconds = seconds; }
}

/** Throw to give the job up for good (state `discarded`). */
export class Discard extends Error {
  /** @param {string} reason */
  constructor(reason) { super(reason); this.reason = reason; }
}

/** Throw to stop the job for good (state `cancelled`). */
export class Cancel extends Error {
  /** @param {string} reason */
  constructor(reason) { super(reason); this.reason = reason; }
}

/**
 * What a handler gets: the job, progress reports, and a signal aborted once the job was
 * cancelled or its lease lost (stop then: the outcome will not be stored).
 */
export class JobContext {
  /** @param {import('./client.js').Client} client @param {import('./client.js').Lease} lease */
  constructor(client, lease) {
    this.client = client;
    this.lease = lease.lease;
    this.job = lease.job;
    this.timeoutSeconds = lease.timeout_seconds;
    this.controller = new AbortController();
    this.reported = false;
  }

  /** True for the first caller only: the handler's outcome and a timeout race to report. */
  takeReport() {
    const first = !this.reported;
    this.reported = true;
    return first;
  }

  get args() { return this.job.args; }
  get signal() { return this.controller.signal; }
  get cancelled() { return this.controller.signal.aborted; }

  /** @param {number} fraction @param {string} [message] @param {Record<string, any>} [details] */
  async progress(fraction, message, details) {
    try {
      await this.client.progress(this.lease, fraction, message, details);
    } catch (error) {
      if (error instanceof LeaseLost) this.controller.abort(error); else throw error;
    }
  }
}

/**
 * Runs handlers for the kinds it registers, `concurrency` jobs at a time, taking the jobs of
 * `queues` with long polls and renewing its leases every `heartbeatSeconds`. `run()` settles
 * after SIGTERM or SIGINT (or `stop()`), once the running jobs have finished and reported.
 */
export class Worker {
  /**
   * @param {import('./client.js').Client} client
   * @param {{queues: string[], concurrency?: number, name?: string, heartbeatSeconds?: number, pollWaitSeconds?: number}} options
   */
  constructor(client, { queues, concurrency = 4, name = `node-${hostname()}-${process.pid}`, heartbeatSeconds = 5, pollWaitSeconds = 2 }) {
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError('concurrency must be a whole number, 1 or more');
    this.client = client;
    this.queues = queues;
    this.concurrency = concurrency;
    this.name = name;
    this.heartbeatSeconds = heartbeatSeconds;
    this.pollWaitSeconds = pollWaitSeconds;
    /** @type {Map<string, (context: JobContext) => any>} */
    this.handlers = new Map();
    /** @type {Map<string, import('./client.js').KindOptions>} */
    this.declared = new Map();
    /** @type {Map<string, {context: JobContext, done: Promise<void>}>} */
    this.running = new Map();
    this.stopping = false;
  }

  /**
   * Registers `handler` for jobs of `kind`; what it returns (or resolves to) is the result.
   * `options`, if given, are declared when the worker starts, so that every enqueue by kind
   * name gets them: `queue` (default: the worker's first), `priority`, `maxAttempts`, `tags`,
   * `backoff` (the server's rule as JSON) and `timeoutSeconds` (after which the worker fails
   * the attempt as timed out and aborts the handler's signal).
   * @param {string} kind
   * @param {(context: JobContext) => any} handler
   * @param {{queue?: string, priority?: number, maxAttempts?: number, tags?: string[], backoff?: Record<string, any>, timeoutSeconds?: number}} [options]
   */
  handle(kind, handler, options) {
    this.handlers.set(kind, handler);
    if (options) {
      const { queue = this.queues[0], priority, maxAttempts, tags, backoff, timeoutSeconds } = options;
      this.declared.set(kind, { kind, queue, priority, max_attempts: maxAttempts, tags, backoff, timeout_seconds: timeoutSeconds });
    }
    return this;
  }

  stop() { this.stopping = true; }

  /** @param {{signals?: boolean}} [options] */
  async run({ signals = true } = {}) {
    if (this.handlers.size === 0) throw new Error('register a handler before run()');
    if (this.declared.size > 0) await this.client.declare(this.name, [...this.declared.values()]);
    const stop = () => this.stop();
    if (signals) { process.on('SIGTERM', stop); process.on('SIGINT', stop); }
    const beat = setInterval(() => { this.#heartbeat().catch(() => {}); }, this.heartbeatSeconds * 1000);
    try {
      while (!this.stopping) {
        const free = this.concurrency - this.running.size;
        if (free === 0) {
          await Promise.race([...this.running.values()].map((entry) => entry.done));
          continue;
        }
        let leases = [];
        try {
          leases = await this.client.fetch(this.name, this.queues, { kinds: [...this.handlers.keys()], limit: free, waitSeconds: this.pollWaitSeconds, slots: this.concurrency });
        } catch (error) {
          if (error.status === 401 || error.status === 403) throw error;
          await new Promise((resolve) => setTimeout(resolve, 1000)); // the server is restarting or unreachable
        }
        for (const lease of leases) {
          const context = new JobContext(this.client, lease);
          const done = this.#perform(context).finally(() => this.running.delete(context.lease));
          this.running.set(context.lease, { context, done });
        }
      }
      // Running jobs keep their leases (the heartbeat goes on) until they report.
      await Promise.all([...this.running.values()].map((entry) => entry.done));
    } finally {
      clearInterval(beat);
      if (signals) { process.off('SIGTERM', stop); process.off('SIGINT', stop); }
    }
  }

  /** @param {JobContext} context */
  async #perform(context) {
    const handler = this.handlers.get(context.job.kind);
    const timer = context.timeoutSeconds === undefined ? undefined
      : setTimeout(() => { this.#timeOut(context).catch(() => {}); }, context.timeoutSeconds * 1000);
    /** @type {() => Promise<unknown>} */
    let report;
    try {
      // A worker takes every job of its queues; one it has no handler for fails (and is retried).
      if (!handler) throw new Error(`worker ${this.name} has no handler for kind '${context.job.kind}'`);
      const result = await handler(context);
      report = () => this.client.complete(context.lease, result ?? null);
    } catch (error) {
      if (error instanceof Snooze) report = () => this.client.snooze(context.lease, error.seconds);
      else if (error instanceof Discard) report = () => this.client.discard(context.lease, error.reason);
      else if (error instanceof Cancel) report = () => this.client.cancel(context.lease, error.reason);
      else report = () => this.client.fail(context.lease, `${error?.name ?? 'Error'}: ${error?.message ?? error}`);
    } finally {
      clearTimeout(timer);
    }
    try {
      if (context.takeReport()) await report();
    } catch (error) {
      if (!(error instanceof LeaseLost)) console.error(`job ${context.job.id}: reporting its outcome failed: ${error}`);
    }
  }

  /** The attempt ran out of time: it is failed as timed out, and the handler's signal aborted. @param {JobContext} context */
  async #timeOut(context) {
    if (!context.takeReport()) return;
    const message = `timed out after ${context.timeoutSeconds} s`;
    context.controller.abort(new Error(message));
    try {
      await this.client.fail(context.lease, message);
    } catch (error) {
      if (!(error instanceof LeaseLost)) console.error(`job ${context.job.id}: reporting its timeout failed: ${error}`);
    }
  }

  async #heartbeat() {
    const renewal = await this.client.heartbeat(this.name, this.queues, [...this.running.keys()], [...this.handlers.keys()], this.concurrency);
    for (const token of [...renewal.cancelled, ...renewal.lost]) this.running.get(token)?.context.controller.abort();
  }
}
