import { EventEmitter } from 'node:events';

/**
 * EventEmitter with a typed event map: `{ name: [arg1, arg2] }`. Listeners are called
 * synchronously in registration order, as with EventEmitter. Kept instead of Node's typed
 * `EventEmitter<T>` for two things that one does not do: `on` returns the function that
 * removes the listener (every observer here keeps it to stop listening), and `emit` is
 * protected — only the owner of the events can emit them, a listener cannot fake one.
 */
export class TypedEmitter<Events extends { [K in keyof Events]: unknown[] }> {
  readonly #emitter = new EventEmitter();

  constructor() {
    // Many dashboard clients may listen to one agent; this is not a leak.
    this.#emitter.setMaxListeners(0);
  }

  on<K extends keyof Events & string>(
    event: K,
    listener: (...args: Events[K]) => void,
  ): () => void {
    this.#emitter.on(event, listener as (...args: unknown[]) => void);
    return () => this.off(event, listener);
  }

  once<K extends keyof Events & string>(event: K, listener: (...args: Events[K]) => void): void {
    this.#emitter.once(event, listener as (...args: unknown[]) => void);
  }

  off<K extends keyof Events & string>(event: K, listener: (...args: Events[K]) => void): void {
    this.#emitter.off(event, listener as (...args: unknown[]) => void);
  }

  protected emit<K extends keyof Events & string>(event: K, ...args: Events[K]): void {
    this.#emitter.emit(event, ...args);
  }

  listenerCount(event: keyof Events & string): number {
    return this.#emitter.listenerCount(event);
  }
}
