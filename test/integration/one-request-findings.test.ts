import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { AgentProcess, screenPopReaches } from '../helpers/agent-process.js';
import { rawHttp, statusOf } from '../helpers/raw-http.js';

/**
 * The findings of issue 10, each against the built program in a child process (where the
 * bytes really arrive: ws, sockjs and node:http included). After each: the agent still runs
 * and a good page still gets its screen-pop.
 */

const CONNECT = 'CONNECT\naccept-version:1.2\nheart-beat:0,0\n\n\0';

let agent: AgentProcess;
before(async () => {
  agent = await AgentProcess.start();
});
after(async () => {
  await agent.stop();
});

async function assertStillServing(): Promise<void> {
  assert.ok(agent.alive, agent.describeExit());
  await screenPopReaches(agent);
  assert.ok(agent.alive, agent.describeExit());
}

/** Opens a raw STOMP WebSocket, CONNECTs, sends `frame`, resolves with the close code and reason. */
function rawWebSocketClose(frame: string): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${agent.port}/tapi-messenger/websocket`, [
      'v12.stomp',
    ]);
    ws.on('error', () => undefined);
    ws.once('open', () => {
      ws.send(CONNECT);
      ws.send(frame);
    });
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
}

/** Opens SockJS's WebSocket transport, sends `message` as is, resolves with SockJS's close frame. */
function sockjsWebSocketClose(message: string): Promise<string> {
  const sid = randomBytes(6).toString('hex');
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${agent.port}/tapi-messenger/000/${sid}/websocket`);
    ws.on('error', () => undefined);
    let closeFrame = '';
    ws.on('message', (data: Buffer) => {
      const text = data.toString();
      if (text === 'o') ws.send(message);
      if (text.startsWith('c')) closeFrame = text;
    });
    ws.once('close', () => resolve(closeFrame));
  });
}

describe('crash 1: a 200-character content-length value quoted into the WebSocket close reason', () => {
  test('the client gets ERROR and a close reason of at most 123 bytes; the agent runs on', async () => {
    const { code, reason } = await rawWebSocketClose(
      `SEND\ndestination:/tapi/call\ncontent-length:${'9'.repeat(200)}\n\n\0`,
    );
    assert.equal(code, 1002);
    assert.match(reason, /^BAD_CONTENT_LENGTH/);
    assert.ok(Buffer.byteLength(reason) <= 123, `${Buffer.byteLength(reason)} bytes`);
    await assertStillServing();
  });
});

describe('crash 2: SEND to a non-/tapi destination of 58 bytes or more', () => {
  test('FORBIDDEN_DESTINATION with a bounded, quoted destination; the agent runs on', async () => {
    for (const length of [58, 200, 30_000]) {
      const { code, reason } = await rawWebSocketClose(
        `SEND\ndestination:/x${'é'.repeat(length)}\n\nhi\0`,
      );
      assert.equal(code, 1002);
      assert.match(reason, /^FORBIDDEN_DESTINATION/);
      assert.ok(Buffer.byteLength(reason) <= 123);
      assert.doesNotMatch(reason, /\uFFFD/, 'cut on a character boundary');
    }
    await assertStillServing();
  });
});

describe('crash 3: SockJS WebSocket messages whose JSON is not an array of strings', () => {
  test('null, 5, {}, [null], [5] and [{}] close that session only, no CONNECT needed', async () => {
    for (const message of ['null', '5', '{}', '[null]', '[5]', '[{}]', '[["CONNECT"]]']) {
      const closeFrame = await sockjsWebSocketClose(message);
      assert.match(
        closeFrame,
        /^c\[4002,"MALFORMED_FRAME: SockJS messages must be arrays of strings/,
      );
    }
    await assertStillServing();
  });
});

describe('crash 4: dashboard GET //[ (and //%, //a:99999) before any Host check', () => {
  test('answered 404, the agent runs on', async () => {
    for (const target of ['//[', '//%', '//a:99999', '/\\evil', '/%2e%2e/x']) {
      const reply = await rawHttp(
        agent.dashboardPort,
        `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`,
      );
      assert.equal(statusOf(reply), 404, `${target}: ${reply}`);
    }
    await assertStillServing();
  });
});

describe('crash 5: GET /tapi-messenger/info with Connection: Upgrade and Upgrade: foo', () => {
  test('answered 400 on both ports, the agent runs on', async () => {
    for (const [port, target] of [
      [agent.port, '/tapi-messenger/info'],
      [agent.port, '/tapi-messenger/000/abc/xhr'],
      [agent.dashboardPort, '/bridge'],
    ] as const) {
      const reply = await rawHttp(
        port,
        `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: foo\r\n\r\n`,
      );
      assert.ok([400, 404].includes(statusOf(reply)), `${target}: ${reply}`);
    }
    await assertStillServing();
  });
});

/** POSTs to the agent from `localAddress`; resolves with the status and body. */
function post(
  pathname: string,
  body: string,
  localAddress = '127.0.0.1',
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: agent.port,
        path: pathname,
        method: 'POST',
        localAddress,
        agent: false,
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('hijack: a backslash in the path skipped the SockJS session binding', () => {
  test('another address gets 404 for <sid>\\xhr_send and <sid>\\xhr; nothing is dialled or read', async () => {
    const sid = randomBytes(8).toString('hex');
    const base = `/tapi-messenger/000/${sid}`;
    // The victim: an xhr-streaming page from 127.0.0.1, bound to Alice's phone 201.
    let stream = '';
    const grew: Array<() => void> = [];
    const streaming = http.request({
      host: '127.0.0.1',
      port: agent.port,
      path: `${base}/xhr_streaming`,
      method: 'POST',
      agent: false,
    });
    streaming.on('response', (res) =>
      res.on('data', (chunk: Buffer) => {
        stream += chunk.toString();
        for (const wake of grew.splice(0)) wake();
      }),
    );
    streaming.on('error', () => undefined);
    streaming.end();
    const frames = [
      CONNECT,
      'SUBSCRIBE\nid:init\ndestination:/topic/is-listen-init\n\n\0',
      'SEND\ndestination:/tapi/listen\napex_session:apex-alice\n\n\0',
    ];
    const waitFor = (text: string): Promise<void> =>
      new Promise((resolve) => {
        const check = (): void => {
          if (stream.includes(text)) resolve();
          else grew.push(check);
        };
        check();
      });
    await waitFor('o\n');
    assert.equal((await post(`${base}/xhr_send`, JSON.stringify(frames))).status, 204);
    await waitFor('listening\\":true');

    const dial = JSON.stringify(['SEND\ndestination:/tapi/call\n\n{"toNumber":"+1900555000"}\0']);
    for (const target of [`${base}\\xhr_send`, `/tapi-messenger/000/${sid}%2fxhr_send`]) {
      const attack = await post(target, dial, '127.0.0.2');
      assert.equal(attack.status, 404, `${target}: ${attack.body}`);
    }
    const read = await post(`${base}\\xhr`, '', '127.0.0.2');
    assert.equal(read.status, 404);
    // The binding itself still holds for well-formed paths.
    assert.equal((await post(`${base}/xhr_send`, dial, '127.0.0.2')).status, 403);

    // The victim's own dial is the first CALL TapiServer sees.
    const own = JSON.stringify(['SEND\ndestination:/tapi/call\n\n{"toNumber":"+4930123"}\0']);
    const line = agent.sim.waitForLine(/^CALL /);
    assert.equal((await post(`${base}/xhr_send`, own)).status, 204);
    assert.equal(await line, 'CALL 201 +4930123');
    assert.ok(!agent.sim.lines.some((l) => l.includes('1900555000')), agent.sim.lines.join('\n'));
    streaming.destroy();
    await assertStillServing();
  });
});

describe('the 24-byte body [{"length":50000000}] made the gateway allocate 50 MB', () => {
  test('to xhr_send and to the SockJS WebSocket: refused without a memory spike', async () => {
    const before = agent.peakRss();
    const closeFrame = await sockjsWebSocketClose('[{"length":50000000}]');
    assert.match(closeFrame, /MALFORMED_FRAME/);
    const sid = randomBytes(8).toString('hex');
    const opened = await post(`/tapi-messenger/000/${sid}/xhr`, '');
    assert.equal(opened.body, 'o\n');
    const sent = await post(`/tapi-messenger/000/${sid}/xhr_send`, '[{"length":50000000}]');
    assert.equal(sent.status, 204);
    const polled = await post(`/tapi-messenger/000/${sid}/xhr`, '');
    assert.match(polled.body, /MALFORMED_FRAME/);
    const grown = agent.peakRss() - before;
    assert.ok(grown < 64 * 1024 * 1024, `peak RSS grew by ${grown} bytes`);
    await assertStillServing();
  });
});

describe('/health and /metrics answered any Host (readable through DNS rebinding)', () => {
  test("a foreign Host gets 421; the machine's own address still gets them", async () => {
    for (const target of ['/health', '/metrics']) {
      const foreign = await rawHttp(
        agent.dashboardPort,
        `GET ${target} HTTP/1.1\r\nHost: attacker.example:${agent.dashboardPort}\r\nConnection: close\r\n\r\n`,
      );
      assert.equal(statusOf(foreign), 421, foreign);
      const own = await rawHttp(
        agent.dashboardPort,
        `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${agent.dashboardPort}\r\nConnection: close\r\n\r\n`,
      );
      assert.equal(statusOf(own), 200, own);
    }
  });
});
