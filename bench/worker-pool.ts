import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FromWorker, ToWorker } from './protocol.js';
import { nowMicros } from './clock.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The client worker processes; each answers every command with exactly one message. */
export class WorkerPool {
  readonly #pending = new Map<ChildProcess, Array<(message: FromWorker) => void>>();

  private constructor(readonly workers: ChildProcess[]) {
    for (const worker of workers) {
      this.#pending.set(worker, []);
      worker.on('message', (message: FromWorker) => this.#pending.get(worker)?.shift()?.(message));
    }
  }

  static async start(count: number): Promise<WorkerPool> {
    const workers = Array.from({ length: count }, () =>
      fork(path.join(here, 'client-worker.ts'), [], {
        execArgv: ['--import', 'tsx'],
        cwd: path.resolve(here, '..'),
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      }),
    );
    const pool = new WorkerPool(workers);
    await pool.checkClock();
    return pool;
  }

  get pids(): number[] {
    return this.workers.map((w) => w.pid ?? 0);
  }

  /** Sends `messages[i]` to worker i (or one message to all) and resolves with every answer. */
  ask(message: ToWorker | ToWorker[], timeoutMs = 120_000): Promise<FromWorker[]> {
    return Promise.all(
      this.workers.map(
        (worker, i) =>
          new Promise<FromWorker>((resolve, reject) => {
            const timer = setTimeout(
              () => reject(new Error(`client worker ${i} did not answer within ${timeoutMs} ms`)),
              timeoutMs,
            );
            this.#pending.get(worker)?.push((answer) => {
              clearTimeout(timer);
              resolve(answer);
            });
            const own = Array.isArray(message) ? message[i] : message;
            if (own) worker.send(own);
          }),
      ),
    );
  }

  /**
   * The clock check: a stamp sent over IPC must read as a small positive delay in every worker.
   * A negative or huge one means the processes do not share one clock, and every latency would
   * be wrong.
   */
  async checkClock(): Promise<number> {
    let worst = 0;
    // Round 0 only waits for the workers to be up (a stamp sent while they still load their
    // code reads as a delay of seconds on a busy machine); rounds 1–5 are judged.
    for (let round = 0; round <= 5; round++) {
      const answers = await this.ask({ type: 'clock', sentAt: String(nowMicros()) }, 30_000);
      if (round === 0) continue;
      for (const answer of answers) {
        if (answer.type !== 'clock') throw new Error(`clock check: unexpected ${answer.type}`);
        if (answer.deltaMicros < 0 || answer.deltaMicros > 1_000_000) {
          throw new Error(
            `clock check failed: a stamp sent over IPC arrived ${answer.deltaMicros.toFixed(1)} µs later; the processes do not share a monotonic clock`,
          );
        }
        worst = Math.max(worst, answer.deltaMicros);
      }
    }
    return worst;
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.workers.map(
        (worker) =>
          new Promise<void>((resolve) => {
            if (worker.exitCode !== null || worker.signalCode !== null) return resolve();
            worker.once('exit', () => resolve());
            worker.disconnect();
            setTimeout(() => worker.kill('SIGKILL'), 5000).unref();
          }),
      ),
    );
  }
}
