/**
 * Slow-consumer rules for one client (pure: the caller says what is queued and when). Output
 * the socket has not taken yet is "pending"; a healthy browser drains it within milliseconds,
 * so pending output over `maxPendingBytes`, or pending output that has not once drained to
 * empty for `sendStallMs`, means the client stopped reading. Like Spring's
 * `sendBufferSizeLimit` / `sendTimeLimit`.
 */
export interface BacklogLimits {
  maxPendingBytes: number;
  sendStallMs: number;
}

export class OutputBacklog {
  /** When output was last seen pending after having been empty; null while empty. */
  #since: number | null = null;

  constructor(private readonly limits: BacklogLimits) {}

  /** Whether output was pending at the last observation. */
  get pending(): boolean {
    return this.#since !== null;
  }

  /**
   * Records that `pendingBytes` were queued at `now` (ms). Returns null while the client is
   * acceptable, else why it must be cut off.
   */
  observe(pendingBytes: number, now: number): string | null {
    if (pendingBytes > this.limits.maxPendingBytes) {
      return `${pendingBytes} bytes of output are waiting for this client (limit ${this.limits.maxPendingBytes}); it is not reading`;
    }
    if (pendingBytes <= 0) {
      this.#since = null;
      return null;
    }
    if (this.#since === null) {
      this.#since = now;
      return null;
    }
    const stalled = now - this.#since;
    if (stalled >= this.limits.sendStallMs) {
      return `output to this client has not drained for ${stalled} ms (limit ${this.limits.sendStallMs} ms); it is not reading`;
    }
    return null;
  }
}
