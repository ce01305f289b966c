import { ConveyorError, LeaseLost } from './errors.js';

/**
 * @typedef {object} Job A job as the server stores it.
 * @property {number} id
 * @property {string} kind
 * @property {string} queue
 * @property {string} state
 * @property {Record<string, any>} args
 * @property {number} attempt
 * @property {number} max_attempts
 * @property {number} priority
 * @property {string[]} tags
 * @property {Record<string, any>} meta  `meta.result` holds a completed job's result.
 * @property {{attempt: number, at: string, message: string}[]} errors
 * @property {boolean} [duplicate] True when a unique job already held the key.
 *
 * @typedef {object} Lease A fetched job and the token naming its attempt.
 * @property {string} lease
 * @property {Job} job
 * @property {number} [timeout_seconds] How long the attempt may run (the job's own, or its kind's as declared).
 *
 * @typedef {object} KindOptions A kind a worker runs and the options its jobs get when enqueued by kind name.
 * @property {string} kind
 * @property {string} [queue]
 * @property {number} [priority]
 * @property {number} [max_attempts]
 * @property {string[]} [tags]
 * @property {Record<string, any>} [backoff] The server's rule, e.g. `{type: 'fixed', base_seconds: 30}`.
 * @property {number} [timeout_seconds]
 *
 * @typedef {object} Renewal What a heartbeat answers.
 * @property {string[]} cancelled Leases whose job was cancelled.
 * @property {string[]} lost Leases no longer this worker's.
 */

/** Conveyor's HTTP API. `apiKey` is sent as a Bearer token; a worker's key needs the `work` scope on its queues. */
export class Client {
  /**
   * @param {string} baseURL
   * @param {{apiKey?: string, timeoutMs?: number}} [options]
   */
  constructor(baseURL, { apiKey, timeoutMs = 30_000 } = {}) {
    this.baseURL = baseURL.replace(/\/$/, '');
    this.apiKey = apiKey;
    this.timeoutMs = timeoutMs;
  }

  /**
   * @param {string} method
   * @param {string} path
   * @param {any} [body]
   * @param {number} [timeoutMs]
   */
  async #send(method, path, body, timeoutMs = this.timeoutMs) {
    const headers = { accept: 'application/json' };
    if (this.apiKey) headers.authorization = `Bearer ${this.apiKey}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(this.baseURL + path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    if (response.ok) return text ? JSON.parse(text) : null;
    let error = {};
    try { error = JSON.parse(text).error ?? {}; } catch { /* not JSON: keep the text */ }
    const Kind = response.status === 409 ? LeaseLost : ConveyorError;
    throw new Kind(response.status, error.code ?? 'http_error', error.message ?? text.slice(0, 300), error.field ?? null);
  }

  /**
   * Inserts one job. Options: queue, priority (0 first), max_attempts, scheduled_at, delay_seconds, tags, meta, unique, backoff, timeout_seconds.
   * @param {string} kind
   * @param {Record<string, any>} [args]
   * @param {Record<string, any>} [options]
   * @returns {Promise<Job>}
   */
  enqueue(kind, args = {}, options = {}) {
    return this.#send('POST', '/api/v1/jobs', { kind, args, ...options });
  }

  /**
   * Inserts many jobs (each `{kind, args, ...options}`) in one transaction.
   * @param {Record<string, any>[]} jobs
   * @returns {Promise<Job[]>}
   */
  async enqueueMany(jobs) {
    return (await this.#send('POST', '/api/v1/jobs/bulk', { jobs })).jobs;
  }

  /** @param {number} id @returns {Promise<Job>} */
  job(id) {
    return this.#send('GET', `/api/v1/jobs/${id}`);
  }

  /**
   * Leases up to `limit` jobs of `queues`, waiting up to `waitSeconds` for one.
   * @param {string} worker
   * @param {string[]} queues
   * @param {{kinds?: string[], limit?: number, waitSeconds?: number, slots?: number}} [options] `slots`: the
   *   worker's concurrency, shown on its node
   * @returns {Promise<Lease[]>}
   */
  async fetch(worker, queues, { kinds = [], limit = 1, waitSeconds = 0, slots } = {}) {
    const answer = await this.#send('POST', '/api/v1/work/fetch', { worker, queues, kinds, limit, wait_seconds: waitSeconds, slots },
      waitSeconds * 1000 + this.timeoutMs);
    return answer.leases;
  }

  /**
   * Declares the kinds the worker runs with their options: enqueues by kind name get them,
   * even while no worker is up.
   * @param {string} worker
   * @param {KindOptions[]} kinds
   * @returns {Promise<string[]>} the kinds declared
   */
  async declare(worker, kinds) {
    return (await this.#send('POST', '/api/v1/work/declare', { worker, kinds })).declared;
  }

  /**
   * Extends the worker's leases; answers those whose job was cancelled or that were lost.
   * @param {string} worker
   * @param {string[]} queues
   * @param {string[]} leases
   * @param {string[]} [kinds]
   * @param {number} [slots] the worker's concurrency, shown on its node
   * @returns {Promise<Renewal>}
   */
  heartbeat(worker, queues, leases, kinds = [], slots = undefined) {
    return this.#send('POST', '/api/v1/work/heartbeat', { worker, queues, kinds, leases, slots });
  }

  /** @param {string} lease @param {number} progress @param {string} [message] @param {Record<string, any>} [details] */
  async progress(lease, progress, message, details) {
    await this.#send('POST', '/api/v1/work/progress', { lease, progress, message, details });
  }

  /** @param {string} lease @param {any} [result] @returns {Promise<Job>} */
  complete(lease, result) {
    return this.#send('POST', '/api/v1/work/complete', { lease, result });
  }

  /** Fails the attempt; it is retried by the job's backoff (or after `retryInSeconds`). @param {string} lease @param {string} error @param {number} [retryInSeconds] @returns {Promise<Job>} */
  fail(lease, error, retryInSeconds) {
    return this.#send('POST', '/api/v1/work/fail', { lease, error, retry_in_seconds: retryInSeconds });
  }

  /** @param {string} lease @param {number} seconds @returns {Promise<Job>} */
  snooze(lease, seconds) {
    return this.#send('POST', '/api/v1/work/snooze', { lease, seconds });
  }

  /** @param {string} lease @param {string} [reason] @returns {Promise<Job>} */
  discard(lease, reason) {
    return this.#send('POST', '/api/v1/work/discard', { lease, reason });
  }

  /** @param {string} lease @param {string} [reason] @returns {Promise<Job>} */
  cancel(lease, reason) {
    return this.#send('POST', '/api/v1/work/cancel', { lease, reason });
  }
}
