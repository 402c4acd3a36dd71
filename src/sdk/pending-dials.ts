import type { TapiMessengerError } from './api.js';

interface PendingDial {
  receipt: string;
  resolve(): void;
  reject(error: TapiMessengerError): void;
}

/**
 * Dials sent and not yet answered. Each dial is a SEND with a `receipt` header; the agent
 * handles a SEND before it writes the RECEIPT, so a refused dial's error MESSAGE (on
 * `/user/queue/errors`) arrives before that dial's RECEIPT and after the previous one's: an
 * error always belongs to the oldest dial still waiting for its receipt.
 */
export class PendingDials {
  readonly #queue: PendingDial[] = [];

  get size(): number {
    return this.#queue.length;
  }

  add(receipt: string): Promise<void> {
    return new Promise((resolve, reject) => this.#queue.push({ receipt, resolve, reject }));
  }

  /** The agent accepted the dial with this receipt id. */
  receipted(receipt: string): void {
    const index = this.#queue.findIndex((dial) => dial.receipt === receipt);
    if (index >= 0) this.#queue.splice(index, 1)[0]?.resolve();
  }

  /** The agent refused a dial; returns false when no dial was waiting (not a dial's error). */
  refused(error: TapiMessengerError): boolean {
    const dial = this.#queue.shift();
    dial?.reject(error);
    return dial !== undefined;
  }

  /** The connection ended: every waiting dial fails with `error`. */
  failAll(error: () => TapiMessengerError): void {
    for (const dial of this.#queue.splice(0)) dial.reject(error());
  }
}
