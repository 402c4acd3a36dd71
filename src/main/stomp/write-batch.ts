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

interface Held {
  socket: Corkable;
  /** Called once the socket's held writes went out (the caller looks at its backlog again). */
  flushed: () => void;
}

export class WriteBatch {
  #held: Held[] = [];
  readonly #flush = (): void => this.flush();

  /**
   * Call before writing to `socket`. Returns true when this call started holding it (the
   * caller may note whether anything was pending when the turn began); false when it was
   * held already. `flushed` runs after the socket's writes of this turn went out.
   */
  hold(socket: Corkable, flushed: () => void): boolean {
    if (socket.writableCorked > 0) return false;
    socket.cork();
    if (this.#held.push({ socket, flushed }) === 1) queueMicrotask(this.#flush);
    return true;
  }

  /** Whether `socket`'s writes are being held until the end of this turn. */
  holds(socket: Corkable): boolean {
    return socket.writableCorked > 0;
  }

  /** Lets `socket` write what it holds now, before the turn ends (its `flushed` still runs then). */
  release(socket: Corkable): void {
    if (socket.writableCorked > 0) socket.uncork();
  }

  /** Lets every held socket write what it got (runs by itself at the end of the turn). */
  flush(): void {
    const held = this.#held;
    if (held.length === 0) return;
    this.#held = [];
    // A socket destroyed meanwhile only drops its data; uncork never throws for that.
    for (const { socket } of held) this.release(socket);
    for (const { flushed } of held) flushed();
  }
}

/** What a `BatchedConnection` writes through. */
export interface BatchedTarget {
  /** The socket (or response) its writes go to now; null when there is none to hold. */
  socket(): Corkable | null;
  /** What the client has not taken yet, in bytes, held writes included. */
  pending(): number;
  /** Writes one message to the connection. */
  write(text: string): void;
  /** The slow-consumer limit: held bytes past it are let go at once. */
  releaseAt: number;
}

/**
 * One connection's writes through a batch, reporting its backlog as the socket would show it
 * unbatched, so that a client that stopped reading is cut off at the same byte and after the
 * same stall as without the batch:
 * - while held, nothing counts as pending if nothing was pending when the turn began (the
 *   kernel would have taken the frames at once); if something was, everything counts, held
 *   bytes included;
 * - once held bytes pass `releaseAt` (the slow-consumer limit), the socket is let go at once,
 *   so that what its client really has not taken is known;
 * - when the turn's writes went out, the `onFlushed` listener runs (the session looks at its
 *   backlog again: a client that stopped reading in this turn starts its stall clock now).
 */
export class BatchedConnection {
  #backedUp = false;
  #flushed: () => void = () => undefined;
  readonly #onFlush = (): void => this.#flushed();

  constructor(
    private readonly batch: WriteBatch,
    private readonly target: BatchedTarget,
  ) {}

  /** Who hears that a turn's writes went out (the session, once there is one). */
  onFlushed(listener: () => void): void {
    this.#flushed = listener;
  }

  send(text: string): void {
    const { batch, target } = this;
    const held = target.socket();
    if (held && batch.hold(held, this.#onFlush)) this.#backedUp = target.pending() > 0;
    target.write(text);
    const socket = target.socket();
    if (socket && batch.holds(socket) && target.pending() > target.releaseAt) batch.release(socket);
  }

  pendingBytes(): number {
    const socket = this.target.socket();
    if (socket && this.batch.holds(socket) && !this.#backedUp) return 0;
    return this.target.pending();
  }
}
