import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { FromCore, ToCore } from '../../src/main/shell/core/core-messages.js';
import { CoreSupervisor, type CoreLost } from '../../src/main/shell/core/core-supervisor.js';
import { RestartBackoff } from '../../src/main/shell/core/restart-backoff.js';
import { silentLogger } from '../../src/main/core/log.js';

/** The supervisor's decisions against fake child processes and mocked timers. */

class FakeCore extends EventEmitter {
  readonly received: ToCore[] = [];
  readonly stderr = null;
  killed = false;

  postMessage(message: ToCore): void {
    this.received.push(message);
  }

  kill(): boolean {
    this.killed = true;
    this.emit('exit', 143);
    return true;
  }

  say(message: FromCore): void {
    this.emit('message', message);
  }
}

function supervised(now: () => number = () => 0): {
  supervisor: CoreSupervisor;
  cores: FakeCore[];
} {
  const cores: FakeCore[] = [];
  const supervisor = new CoreSupervisor({
    fork: () => {
      const core = new FakeCore();
      cores.push(core);
      return core;
    },
    startMessage: (core) => ({
      type: 'start',
      config: {} as never,
      callLogDir: '/calls',
      rendererDir: '/renderer',
      core,
    }),
    logger: silentLogger(),
    now,
  });
  return { supervisor, cores };
}

/** A supervisor whose first core started. */
async function running(): Promise<ReturnType<typeof supervised>> {
  const made = supervised();
  const started = made.supervisor.start();
  made.cores[0]?.say(READY);
  await started;
  return made;
}

const READY: FromCore = {
  type: 'ready',
  endpoint: 'http://127.0.0.1:1/tapi-messenger',
  dashboardUrl: null,
};

test('backoff: the first restart well within 2 s, longer while it keeps dying, reset when stable', () => {
  const backoff = new RestartBackoff();
  const first = backoff.next(0, 10);
  assert.ok(first <= 2000, `${first} ms`);
  const delays = [first, backoff.next(100, 200), backoff.next(300, 400), backoff.next(500, 600)];
  assert.deepEqual(
    [...delays].sort((a, b) => a - b),
    delays,
    'never shorter while it keeps dying',
  );
  assert.ok((delays.at(-1) ?? 0) > 2000);
  for (let i = 0; i < 10; i++) backoff.next(0, 1);
  assert.equal(backoff.next(0, 1), 60000, 'capped');
  assert.equal(backoff.next(1000, 1000 + 60000), first, 'a core that ran a minute starts over');
});

test('a killed core is started again within 2 s, with the restart count', async () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const { supervisor, cores } = await running();
    const lost: CoreLost[] = [];
    supervisor.on('lost', (event) => lost.push(event));
    cores[0]?.emit('exit', 1);
    assert.equal(supervisor.up, false);
    assert.deepEqual(lost, [{ code: 1, restartInMs: lost[0]?.restartInMs, restarts: 1 }]);
    assert.equal(cores.length, 1);
    mock.timers.tick(2000);
    assert.equal(cores.length, 2, 'a new core within 2 s');
    const start = cores[1]?.received[0];
    assert.equal(start?.type, 'start');
    assert.deepEqual(start?.type === 'start' && start.core.restarts, 1);
    const back = new Promise((resolve) => supervisor.once('ready', resolve));
    cores[1]?.say(READY);
    await back;
    assert.equal(supervisor.up, true);
    assert.equal(supervisor.post({ type: 'snapshot', id: 1 }), true);
  } finally {
    mock.timers.reset();
  }
});

test('a core that keeps dying is started less and less often', () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const { supervisor, cores } = supervised();
    void supervisor.start();
    cores[0]?.say(READY);
    const delays: number[] = [];
    supervisor.on('lost', ({ restartInMs }) => delays.push(restartInMs));
    for (let i = 0; i < 4; i++) {
      cores.at(-1)?.emit('exit', 1);
      mock.timers.tick(delays.at(-1) ?? 0);
    }
    assert.equal(cores.length, 5);
    assert.ok((delays[3] ?? 0) > (delays[0] ?? 0), delays.join(', '));
  } finally {
    mock.timers.reset();
  }
});

test('a core that cannot start is not restarted; start() says why', async () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const { supervisor, cores } = supervised();
    const started = supervisor.start();
    cores[0]?.say({
      type: 'failed',
      message: 'cannot listen on 127.0.0.1:8081: port 8081 is in use',
    });
    assert.deepEqual(cores[0]?.received.at(-1), { type: 'stop' }, 'ended once it said why');
    cores[0]?.emit('exit', 0);
    await assert.rejects(started, /port 8081 is in use/);
    mock.timers.tick(120_000);
    assert.equal(cores.length, 1);
  } finally {
    mock.timers.reset();
  }
});

test('stop: the core is asked to stop, killed if it does not, and not restarted', async () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const { supervisor, cores } = await running();
    const stopped = supervisor.stop();
    assert.deepEqual(cores[0]?.received.at(-1), { type: 'stop' });
    mock.timers.tick(4000);
    await stopped;
    assert.equal(cores[0]?.killed, true);
    mock.timers.tick(120_000);
    assert.equal(cores.length, 1);
  } finally {
    mock.timers.reset();
  }
});
