import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Connection } from 'rabbitmq-client';
import { RabbitBroker, rabbitmqAvailability } from '../../tools/rabbitmq-broker.js';

export interface TestBroker {
  broker: RabbitBroker;
  close(): Promise<void>;
}

/**
 * A real RabbitMQ for the cluster tests (tools/rabbitmq-broker.ts): one per test file, on
 * loopback, in a temp folder. A string says why there is none (the package is not installed).
 */
export async function startTestBroker(): Promise<TestBroker | string> {
  const available = rabbitmqAvailability();
  if (!available.ok) return `${available.reason}: the cluster tests need it`;
  const dir = await mkdtemp(path.join(tmpdir(), 'tapi-messenger-rabbitmq-'));
  try {
    const { broker } = await RabbitBroker.start({
      dir,
      name: `tapitest${process.pid}`,
      ready: (b) => amqpAccepts(b.amqpUrl),
    });
    return {
      broker,
      async close() {
        await broker.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Resolves (with the time) once an AMQP client can connect to `url`. */
async function amqpAccepts(url: string, timeoutMs = 60_000): Promise<number> {
  const connection = new Connection({ url, retryLow: 50, retryHigh: 200 });
  connection.on('error', () => undefined); // refused while the broker boots: retried
  try {
    await connection.onConnect(timeoutMs);
    return Date.now();
  } finally {
    await connection.close();
  }
}
