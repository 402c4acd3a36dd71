/**
 * One write per socket per turn of the event loop. A screen-pop fan-out writes a frame to
 * each session bound to the phone, and in a burst of calls that arrived together (one read
 * from TapiServer's socket) many frames to the same socket; each `ws.send` alone is one
 * `writev`. The batch corks a socket at its first write of the turn and uncorks every held
 * socket in one microtask, when the JavaScript that wrote has returned: the frames of that
 * run leave in one system call per socket, and a quiet socket's frame waits for nothing but
 * the end of the synchronous work that produced it (no timer, no `nextTick` queue behind it).
 */

/** The part of a socket (or HTTP response) the batch uses. */
export interface Corkable {
  readonly writableCorked: number;
  cork(): void;
  uncork(): void;
}

export class WriteBatch {
  #held: Corkable[] = [];
  readonly #flush = (): void => this.flush();

  /**
   * Call before writing to `socket`. Returns true when this call started holding it (the
   * caller may note what was pending before the turn's writes); false when it was held already.
   */
  hold(socket: Corkable): boolean {
    if (socket.writableCorked > 0) return false;
    socket.cork();
    if (this.#held.push(socket) === 1) queueMicrotask(this.#flush);
    return true;
  }

  /** Whether `socket`'s writes are being held until the end of this turn. */
  holds(socket: Corkable): boolean {
    return socket.writableCorked > 0;
  }

  /** Lets every held socket write what it got (runs by itself at the end of the turn). */
  flush(): void {
    const held = this.#held;
    if (held.length === 0) return;
    this.#held = [];
    // A socket destroyed meanwhile only drops its data; uncork never throws for that.
    for (const socket of held) if (socket.writableCorked > 0) socket.uncork();
  }
}

/**
 * One connection's writes through a batch. `target()` is what it writes to right now (null:
 * its writes go out at once), `pending()` what its client has not taken yet. Bytes held for
 * the turn are ours to send, not the client's backlog: while the target is held,
 * `pendingBytes()` says what was pending before the turn's first write.
 */
export class BatchedConnection {
  #pendingBefore = 0;

  constructor(
    private readonly batch: WriteBatch,
    private readonly target: () => Corkable | null,
    private readonly pending: () => number,
  ) {}

  /** Call before each write. */
  beforeWrite(): void {
    const socket = this.target();
    if (socket && this.batch.hold(socket)) this.#pendingBefore = this.pending();
  }

  pendingBytes(): number {
    const socket = this.target();
    return socket && this.batch.holds(socket) ? this.#pendingBefore : this.pending();
  }
}
