import type { Transport } from '../../src/main/stomp/transport.js';

/**
 * A stand-in for the transport seam (one browser connection under a STOMP session): keeps what
 * is sent, how it was ended, and what an unread client would leave queued.
 */
export class FakeTransport implements Transport {
  readonly remoteAddress = '127.0.0.1';
  readonly sent: string[] = [];
  /** `close ${code}` and `abort`, in order (beside the session's own events in some tests). */
  readonly ends: string[] = [];
  /** How it ended: a close code, `abort`, or null while open (tests set 1006: the peer vanished). */
  closedWith: number | 'abort' | null = null;
  /** Texts the session tried to send after the transport was closed. */
  sentAfterClose = 0;
  /** While false, what is sent stays queued (`pendingBytes`): a client that stopped reading. */
  reading = true;
  /** Bytes queued for the client; tests may set it directly. */
  pending = 0;

  constructor(readonly kind = 'test') {}

  send(text: string): void {
    if (this.closedWith !== null) {
      this.sentAfterClose++;
      return;
    }
    this.sent.push(text);
    if (!this.reading) this.pending += Buffer.byteLength(text);
  }
  close(code: number): void {
    this.ends.push(`close ${code}`);
    if (this.closedWith === null) this.closedWith = code;
  }
  abort(): void {
    this.ends.push('abort');
    if (this.closedWith === null) this.closedWith = 'abort';
  }
  pendingBytes(): number {
    return this.pending;
  }
}
