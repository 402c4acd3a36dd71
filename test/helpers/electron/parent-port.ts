import { EventEmitter } from 'node:events';

/**
 * Loaded (`--import`) into a child forked by the stand-in's `utilityProcess.fork`: gives it the
 * `process.parentPort` that Electron's utility process has, over Node's IPC channel. Messages
 * that arrive before a listener is registered are queued, as Electron queues them.
 */

class ParentPortShim extends EventEmitter {
  readonly #queued: unknown[] = [];

  constructor() {
    super();
    process.on('message', (data: unknown) => {
      if (this.listenerCount('message') === 0) this.#queued.push(data);
      else this.emit('message', { data, ports: [] });
    });
    this.on('newListener', (event: string) => {
      if (event !== 'message') return;
      queueMicrotask(() => {
        for (const data of this.#queued.splice(0)) this.emit('message', { data, ports: [] });
      });
    });
    // Electron's utility process does not exit while its parent is there; the IPC channel
    // keeps this one alive the same way until the parent goes.
    process.on('disconnect', () => process.exit(0));
  }

  postMessage(message: unknown): void {
    process.send?.(message);
  }
}

Reflect.set(process, 'parentPort', new ParentPortShim());
