import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { onAgentEvent, startHarness, waitUntil, type Harness } from '../helpers/harness.js';
import { listeningClient, type ModernClient } from '../helpers/stomp-clients.js';
import { RawStomp } from '../helpers/raw-clients.js';

type ProtocolError = { sessionId: string; code: string; message: string };

function nextProtocolError(h: Harness, code: string, timeoutMs = 10_000): Promise<ProtocolError> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${code} protocol-error within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = onAgentEvent(h.agent, 'protocol-error', (event) => {
      if (event.code !== code) return;
      clearTimeout(timer);
      off();
      resolve(event);
    });
  });
}

/** A page that reads: listening on `apexSession`, subscribed to its screen-pops. */
function reader(h: Harness, apexSession: string): Promise<ModernClient> {
  return listeningClient(h.wsUrl, apexSession);
}

/**
 * STOMP frames a page sends to become a big consumer: listening on phone 201 with `subs`
 * subscriptions to its call events (each call then sends it `subs` MESSAGE frames).
 */
function greedyFrames(subs: number): string[] {
  const frames = ['CONNECT\naccept-version:1.2\nheart-beat:0,0\n\n\0'];
  for (let i = 0; i < subs; i++) {
    frames.push(`SUBSCRIBE\nid:${i}\ndestination:/user/queue/call-events\n\n\0`);
  }
  frames.push('SUBSCRIBE\nid:r\ndestination:/topic/is-listen-init\n\n\0');
  frames.push('SEND\ndestination:/tapi/listen\napex_session:apex-alice\n\n\0');
  return frames;
}

/**
 * Rings phone 201 until `done` settles, one call at a time, and returns how long each call
 * took to reach the well-behaved page `other` (which listens on the same phone).
 */
async function ringUntil(
  h: Harness,
  other: ModernClient,
  done: Promise<unknown>,
): Promise<number[]> {
  let finished = false;
  void done.then(
    () => (finished = true),
    () => (finished = true),
  );
  const latencies: number[] = [];
  for (let call = 0; !finished && call < 5000; call++) {
    const pop = other.next('/user/queue/incoming-call');
    const start = performance.now();
    h.sim.ring('201', '+48500', `c${call}`);
    await pop;
    latencies.push(performance.now() - start);
  }
  await done;
  return latencies;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

async function assertCutOff(
  h: Harness,
  other: ModernClient,
  event: ProtocolError,
  latencies: number[],
): Promise<void> {
  assert.match(event.message, /not reading/);
  await waitUntil(
    () => !h.agent.snapshot().sessions.some((s) => s.id === event.sessionId),
    5000,
    'the slow session to be gone',
  );
  assert.equal(h.agent.snapshot().sessions.length, 1, 'only the reading page is left');
  assert.ok(!h.sim.lines.includes('UNLISTEN 201'), 'the phone still has its reading page');
  assert.equal(other.client.connected, true);
  // The reading page's screen-pops kept their latency while the other one choked.
  assert.ok(median(latencies) < 50, `median ${median(latencies).toFixed(1)} ms`);
  assert.ok(Math.max(...latencies) < 1000, `max ${Math.max(...latencies).toFixed(1)} ms`);
  const pop = other.next('/user/queue/incoming-call');
  h.sim.ring('201', '+48501', 'after');
  assert.equal(JSON.parse((await pop).body).callId, 'after');
}

for (const via of ['raw', 'sockjs'] as const) {
  test(`a ${via} WebSocket client that never reads is cut off past maxPendingBytes; others keep their pace`, async (t) => {
    const h = await startHarness({
      config: { server: { maxPendingBytes: 64 * 1024, sendStallMs: 60_000 } },
    });
    t.after(() => h.stop());
    const other = await reader(h, 'apex-alice-2');
    const slow = await RawStomp.open(h, via);
    for (const frame of greedyFrames(50)) slow.send(frame);
    await slow.waitFor((f) => f.includes('"listening":true'));
    slow.pause();
    const cutOff = nextProtocolError(h, 'SLOW_CONSUMER', 20_000);
    const latencies = await ringUntil(h, other, cutOff);
    const event = await cutOff;
    assert.match(event.message, /bytes of output are waiting for this client \(limit 65536\)/);
    await assertCutOff(h, other, event, latencies);
    // Its socket was dropped, not left to drain: once it reads again it finds the end.
    slow.resume();
    assert.equal(await slow.closed, 1006, 'dropped without a closing handshake');
  });
}

/** SockJS over xhr-streaming by hand: a receiving POST whose socket is never read. */
test('an xhr-streaming client that never reads is cut off (SockJS send buffer counted)', async (t) => {
  const h = await startHarness({
    config: { server: { maxPendingBytes: 64 * 1024, sendStallMs: 60_000 } },
  });
  t.after(() => h.stop());
  const other = await reader(h, 'apex-alice-2');
  const port = h.agent.address.port;
  const base = `/tapi-messenger/000/${randomBytes(6).toString('hex')}`;
  const stream = net.connect(port, '127.0.0.1');
  t.after(() => stream.destroy());
  let received = '';
  const onData = (chunk: Buffer): void => {
    received += chunk.toString('latin1');
  };
  stream.on('data', onData);
  stream.write(
    `POST ${base}/xhr_streaming HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n`,
  );
  await waitUntil(() => received.includes('\no\n'), 5000, 'the SockJS open frame');
  const post = (frames: string[]): Promise<number> =>
    new Promise((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port, method: 'POST', path: `${base}/xhr_send` },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify(frames));
    });
  assert.equal(await post(greedyFrames(50)), 204);
  await waitUntil(() => received.includes('listening'), 5000, 'the listen reply');
  stream.pause(); // never reads again
  const cutOff = nextProtocolError(h, 'SLOW_CONSUMER', 20_000);
  const latencies = await ringUntil(h, other, cutOff);
  await assertCutOff(h, other, await cutOff, latencies);
});

test('a client whose output stops draining is cut off after sendStallMs', async (t) => {
  const h = await startHarness({
    config: { server: { maxPendingBytes: 64 * 1024 * 1024, sendStallMs: 300 } },
  });
  t.after(() => h.stop());
  const other = await reader(h, 'apex-alice-2');
  const slow = await RawStomp.open(h, 'raw');
  for (const frame of greedyFrames(50)) slow.send(frame);
  await slow.waitFor((f) => f.includes('"listening":true'));
  slow.pause();
  const cutOff = nextProtocolError(h, 'SLOW_CONSUMER', 20_000);
  const latencies = await ringUntil(h, other, cutOff);
  const event = await cutOff;
  assert.match(event.message, /has not drained for \d+ ms \(limit 300 ms\)/);
  await assertCutOff(h, other, event, latencies);
});

for (const via of ['raw', 'sockjs'] as const) {
  test(`a ${via} socket that never sends CONNECT is closed after connectTimeoutMs`, async (t) => {
    const h = await startHarness({ config: { server: { connectTimeoutMs: 200 } } });
    t.after(() => h.stop());
    const other = await reader(h, 'apex-bob');
    const timeout = nextProtocolError(h, 'CONNECT_TIMEOUT');
    // When exactly is the unit tests' (mocked timers); here: both transports close it.
    const idle = await RawStomp.open(h, via);
    idle.send('\n'); // heart-beats do not count as a CONNECT
    const code = await idle.closed;
    assert.match(
      idle.frames.at(-1) ?? '',
      /^ERROR\nmessage:CONNECT_TIMEOUT: no CONNECT frame within 200 ms/,
    );
    assert.equal(code, via === 'raw' ? 1002 : 4002);
    await timeout;
    assert.equal(h.agent.summary().connections, 1);
    // A page that did connect in time is not touched by the timer.
    assert.equal(other.client.connected, true);
  });
}

const count = (kind: string): number =>
  process.getActiveResourcesInfo().filter((r) => r === kind).length;

test('5,000 connect/disconnect cycles leave no session, binding, LISTEN, timer or socket behind', async (t) => {
  const h = await startHarness();
  t.after(() => h.stop());
  const agentListeners = h.agent.listenerCount('event');
  const baseline = { tcp: count('TCPSocketWrap'), timers: count('Timeout') };
  const CYCLES = 5000;
  const WORKERS = 8;
  let done = 0;
  const cycle = async (n: number): Promise<void> => {
    const client = await RawStomp.open(h, n % 5 === 0 ? 'sockjs' : 'raw');
    switch (n % 4) {
      case 0: // opens and leaves without a word
        break;
      case 1: // a polite session
        await client.connect();
        client.send('DISCONNECT\nreceipt:bye\n\n\0');
        await client.waitFor((f) => f.startsWith('RECEIPT'));
        break;
      case 2: // listens, then the tab is closed while the directory may still be answering
        client.send(greedyFrames(3).join(''));
        break;
      case 3: // listens and gets the answer, then vanishes
        client.send(greedyFrames(3).join(''));
        await client.waitFor((f) => f.includes('"listening"'));
        break;
    }
    if (n % 2 === 0) client.ws.terminate();
    else client.ws.close();
    await client.closed;
    done++;
  };
  await Promise.all(
    Array.from({ length: WORKERS }, async (_, w) => {
      for (let n = w; n < CYCLES; n += WORKERS) await cycle(n);
    }),
  );
  assert.equal(done, CYCLES);
  await waitUntil(
    () => h.agent.summary().connections === 0 && h.agent.snapshot().sessions.length === 0,
    10_000,
    'every session to be gone',
  );
  assert.equal(h.agent.snapshot().sessions.filter((s) => s.phone !== null).length, 0);
  assert.deepEqual(
    h.agent.snapshot().phones.map((p) => p.phone),
    [],
  );
  // Everything the agent told TapiServer nets out: a marker LISTEN comes after all of it.
  const marker = await reader(h, 'apex-bob');
  await waitUntil(() => h.sim.lines.includes('LISTEN 202'), 5000, 'the marker LISTEN');
  const listening = new Set<string>();
  for (const line of h.sim.lines.slice(0, h.sim.lines.indexOf('LISTEN 202'))) {
    const [verb, ext = ''] = line.split(' ');
    if (verb === 'LISTEN') assert.ok(!listening.has(ext) && listening.add(ext), line);
    if (verb === 'UNLISTEN') assert.ok(listening.delete(ext), line);
  }
  assert.deepEqual([...listening], [], 'every LISTEN was matched by an UNLISTEN');
  assert.ok(h.sim.lines.filter((l) => l === 'LISTEN 201').length > 100, 'cycles did listen');
  await marker.close();
  await waitUntil(() => h.agent.summary().connections === 0, 5000, 'the marker to leave');
  assert.equal(h.agent.listenerCount('event'), agentListeners);
  await waitUntil(
    () => count('TCPSocketWrap') <= baseline.tcp,
    10_000,
    `sockets back to ${baseline.tcp} (now ${count('TCPSocketWrap')})`,
  );
  // SockJS keeps a closed session's id for its disconnect_delay (5 s): that timer may remain.
  await waitUntil(
    () => count('Timeout') <= baseline.timers + 1,
    10_000,
    `timers back to ${baseline.timers} (now ${count('Timeout')})`,
  );
});
