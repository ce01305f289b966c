/** The server refused a request: its HTTP status, error code, message and the field at fault. */
export class ConveyorError extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {string} message
   * @param {string | null} [field]
   */
  constructor(status, code, message, field = null) {
    super(`${status} ${code}: ${message}${field ? ` (field ${field})` : ''}`);
    this.name = 'ConveyorError';
    this.status = status;
    this.code = code;
    this.field = field;
    this.detail = message;
  }
}

/** 409: the lease no longer names the job's current attempt (rescued, cancelled or finished). Stop; the outcome is not stored. */
export class LeaseLost extends ConveyorError {
  constructor(status, code, message, field = null) {
    super(status, code, message, field);
    this.name = 'LeaseLost';
  }
}
