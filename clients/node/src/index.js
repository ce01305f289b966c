export { Client } from './client.js';
export { ConveyorError, LeaseLost } from './errors.js';
export { Worker, JobContext, Snooze, Discard, Cancel } from './worker.js';
