import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { startHarness, type Harness } from '../helpers/harness.js';

/**
 * `server.allowedOrigins` per transport, with the requests browsers really make: every SockJS
 * transport and the raw WebSocket endpoint, from the APEX page (allowed), from a foreign page
 * (refused: cross-site WebSocket hijacking and its XHR cousins), and for the transports a
 * browser fetches without an Origin header (JSONP, htmlfile, iframe): off while origins are
 * restricted, on with the default `*`.
 */

const APEX = 'https://apex.example.com';
const EVIL = 'https://evil.example.net';

interface Reply {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

/** One HTTP request; for streaming transports, resolves once `until` shows up in the body. */
function request(
  h: Harness,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
  until?: string,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: h.agent.address.port, method, path, headers },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
          if (until !== undefined && text.includes(until)) {
            resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers });
            req.destroy();
          }
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }),
        );
      },
    );
    req.on('error', (error) => (until === undefined ? reject(error) : undefined));
    req.end(body);
  });
}

const sid = (): string => `/tapi-messenger/000/${randomBytes(6).toString('hex')}`;

/** A SockJS transport: how a browser opens it, and what an opened one answers. */
interface TransportCase {
  name: string;
  /** Browsers send no Origin for it (a script or iframe GET). */
  originless: boolean;
  open(h: Harness, headers: Record<string, string>): Promise<Reply>;
  opened: RegExp;
}

const transports: TransportCase[] = [
  {
    name: 'xhr-streaming',
    originless: false,
    open: (h, headers) => request(h, 'POST', `${sid()}/xhr_streaming`, headers, '', '\no\n'),
    opened: /\no\n/,
  },
  {
    name: 'xhr-polling',
    originless: false,
    open: (h, headers) => request(h, 'POST', `${sid()}/xhr`, headers, ''),
    opened: /^o\n$/,
  },
  {
    name: 'eventsource',
    originless: false,
    open: (h, headers) => request(h, 'GET', `${sid()}/eventsource`, headers, undefined, 'data: o'),
    opened: /data: o/,
  },
  {
    name: 'htmlfile',
    originless: true,
    open: (h, headers) => request(h, 'GET', `${sid()}/htmlfile?c=cb`, headers, undefined, '"o"'),
    opened: /p\("o"\)/,
  },
  {
    name: 'jsonp-polling',
    originless: true,
    open: (h, headers) => request(h, 'GET', `${sid()}/jsonp?c=cb`, headers),
    opened: /cb\("o"\)/,
  },
  {
    name: 'iframe-* (iframe.html)',
    originless: true,
    open: (h, headers) => request(h, 'GET', '/tapi-messenger/iframe.html', headers),
    opened: /<iframe|SockJS|sockjs/i,
  },
  {
    name: 'info (every transport starts here)',
    originless: false,
    open: (h, headers) => request(h, 'GET', '/tapi-messenger/info', headers),
    opened: /"websocket":true/,
  },
];

/** Opens a WebSocket as a browser would; resolves with 'open' or the refusal's HTTP status. */
function websocket(
  url: string,
  origin: string | undefined,
  protocols: string[] = [],
): Promise<string> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, protocols, origin === undefined ? {} : { origin });
    ws.on('open', () => {
      resolve('open');
      ws.close();
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve(`HTTP ${res.statusCode ?? '?'}`);
      ws.terminate();
    });
    ws.on('error', () => resolve('error'));
  });
}

test('restricted origins: each SockJS transport opens for the APEX page and refuses a foreign one', async (t) => {
  const h = await startHarness({ config: { server: { allowedOrigins: [APEX] } } });
  t.after(() => h.stop());
  for (const transport of transports) {
    const foreign = await transport.open(h, { origin: EVIL });
    assert.equal(foreign.status, 403, `${transport.name} from ${EVIL}`);
    const sneaky = await transport.open(h, { referer: `${EVIL}/page` });
    assert.equal(sneaky.status, 403, `${transport.name}: no Origin, foreign Referer`);
    const stripped = await transport.open(h, {});
    const apex = await transport.open(h, { origin: APEX });
    if (transport.originless) {
      // A foreign page can strip Referer and browsers send no Origin here: these are off.
      assert.equal(stripped.status, 403, `${transport.name} without Origin or Referer`);
      assert.equal(apex.status, 403, `${transport.name} is off while origins are restricted`);
    } else {
      assert.equal(apex.status, 200, `${transport.name} from ${APEX}: ${apex.body}`);
      assert.match(apex.body, transport.opened);
      assert.equal(apex.headers['access-control-allow-origin'] ?? APEX, APEX);
      assert.equal(stripped.status, 200, `${transport.name} from a program (no Origin)`);
    }
  }
});

test('restricted origins: SockJS websocket and the raw endpoint refuse a foreign handshake', async (t) => {
  const h = await startHarness({ config: { server: { allowedOrigins: [APEX] } } });
  t.after(() => h.stop());
  const sockjsUrl = (): string => `${h.base.replace('http', 'ws')}${sid()}/websocket`;
  const stomp = ['v12.stomp', 'v11.stomp', 'v10.stomp'];
  assert.equal(await websocket(sockjsUrl(), EVIL), 'HTTP 403');
  assert.equal(await websocket(h.wsUrl, EVIL, stomp), 'HTTP 403');
  assert.equal(await websocket(sockjsUrl(), 'null'), 'HTTP 403', 'sandboxed iframe');
  assert.equal(await websocket(h.wsUrl, 'HTTPS://APEX.EXAMPLE.COM', stomp), 'open');
  assert.equal(await websocket(sockjsUrl(), APEX), 'open');
  assert.equal(await websocket(h.wsUrl, APEX, stomp), 'open');
  assert.equal(h.agent.snapshot().sessions.length, 0, 'refused handshakes never became sessions');
});

test('restricted origins: a foreign page cannot post frames into an APEX page\u2019s session', async (t) => {
  const h = await startHarness({ config: { server: { allowedOrigins: [APEX] } } });
  t.after(() => h.stop());
  const session = sid();
  const opened = await request(h, 'POST', `${session}/xhr`, { origin: APEX }, '');
  assert.equal(opened.body, 'o\n');
  const frame = JSON.stringify(['CONNECT\naccept-version:1.2\n\n\0']);
  const injected = await request(h, 'POST', `${session}/xhr_send`, { origin: EVIL }, frame);
  assert.equal(injected.status, 403);
  const viaJsonp = await request(
    h,
    'POST',
    `${session}/jsonp_send`,
    { origin: EVIL },
    `d=${frame}`,
  );
  assert.equal(viaJsonp.status, 403);
  assert.equal(h.agent.snapshot().sessions.length, 0, 'no CONNECT got through');
  const own = await request(h, 'POST', `${session}/xhr_send`, { origin: APEX }, frame);
  assert.equal(own.status, 204);
});

test('default "*": every transport, JSONP, htmlfile and iframe included, opens from any page', async (t) => {
  const h = await startHarness();
  t.after(() => h.stop());
  for (const transport of transports) {
    const reply = await transport.open(h, { origin: EVIL });
    assert.equal(reply.status, 200, transport.name);
    assert.match(reply.body, transport.opened, transport.name);
  }
  assert.equal(await websocket(`${h.base.replace('http', 'ws')}${sid()}/websocket`, EVIL), 'open');
});
