import { test } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import { execFileSync, fork } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { Client, type IMessage } from '@stomp/stompjs';
import { startHarness, waitUntil, type Harness } from '../helpers/harness.js';
import { tempDir, type Cleanup } from '../helpers/temp-dir.js';

const here = path.dirname(fileURLToPath(import.meta.url));

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

interface Pki {
  ca: string;
  cert: string;
  key: string;
  pfx: string;
  passphrase: string;
}

/** A throw-away CA and a certificate for 127.0.0.1 signed by it (also as a PFX), made now. */
async function makePki(t: Cleanup): Promise<Pki> {
  const dir = await tempDir(t, 'tapi-messenger-tls');
  const p = (name: string): string => path.join(dir, name);
  const openssl = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  };
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=Tapi Messenger test CA',
  );
  openssl('req', ...ec, '-keyout', 'key.pem', '-out', 'agent.csr', '-subj', '/CN=127.0.0.1');
  await writeFile(p('san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl(
    'x509',
    '-req',
    '-in',
    'agent.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'cert.pem',
    '-days',
    '2',
    '-extfile',
    'san.ext',
  );
  openssl(
    'pkcs12',
    '-export',
    '-out',
    'agent.pfx',
    '-inkey',
    'key.pem',
    '-in',
    'cert.pem',
    '-passout',
    'pass:s3cret',
  );
  return {
    ca: p('ca.pem'),
    cert: p('cert.pem'),
    key: p('key.pem'),
    pfx: p('agent.pfx'),
    passphrase: 's3cret',
  };
}

const skip = hasOpenssl() ? false : 'the openssl command is not installed';

async function tlsHarness(t: { after(fn: () => unknown): void }, tls: object): Promise<Harness> {
  const h = await startHarness({ config: { server: { tls } } });
  t.after(() => h.stop());
  assert.match(h.agent.endpoint, /^https:\/\//);
  return h;
}

test(
  'TLS with cert/key: @stomp/stompjs over wss (CA given to the client) listens and gets a screen-pop',
  { skip },
  async (t) => {
    const pki = await makePki(t);
    const h = await tlsHarness(t, { cert: pki.cert, key: pki.key });
    const ca = await readFile(pki.ca);
    const url = `wss://127.0.0.1:${h.agent.address.port}/tapi-messenger/websocket`;

    // Without the CA the certificate is not trusted: TLS really is in the way.
    const untrusted = await new Promise<string>((resolve) => {
      const ws = new WebSocket(url, ['v12.stomp']);
      ws.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
      ws.on('open', () => resolve('open'));
    });
    assert.equal(untrusted, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    // Plain HTTP on the TLS port gets nowhere either.
    const plain = await fetch(`http://127.0.0.1:${h.agent.address.port}/tapi-messenger/info`).then(
      () => 'answered',
      () => 'refused',
    );
    assert.equal(plain, 'refused');

    const info = await new Promise<string>((resolve, reject) => {
      https
        .get(`https://127.0.0.1:${h.agent.address.port}/tapi-messenger/info`, { ca }, (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve(body));
        })
        .on('error', reject);
    });
    assert.match(info, /"websocket":true/);

    const messages: IMessage[] = [];
    const client = new Client({
      webSocketFactory: () => new WebSocket(url, ['v10.stomp', 'v11.stomp', 'v12.stomp'], { ca }),
      heartbeatIncoming: 0,
      heartbeatOutgoing: 0,
      reconnectDelay: 0,
    });
    const popped = new Promise<void>((resolve, reject) => {
      client.onConnect = () => {
        client.subscribe('/user/queue/incoming-call', (m) => {
          messages.push(m);
          resolve();
        });
        client.subscribe('/topic/is-listen-init', (m) => {
          assert.equal(JSON.parse(m.body).listening, true);
          h.sim.ring('201', '+48111', 'tls-1');
        });
        client.publish({ destination: '/tapi/listen', headers: { apex_session: 'apex-alice' } });
      };
      client.onStompError = (frame) => reject(new Error(frame.headers.message));
      client.onWebSocketError = () => reject(new Error('websocket error'));
    });
    client.activate();
    await popped;
    assert.equal(JSON.parse(messages[0]?.body ?? '{}').callId, 'tls-1');
    await client.deactivate();
  },
);

interface ChildMessage {
  type: 'listening' | 'caller' | 'error';
  body?: string;
  transport?: string;
  sessionId?: string;
  caller?: { phone: string; callId?: string };
  error?: string;
}

for (const transport of [undefined, 'xhr-streaming']) {
  test(
    `TLS with a PFX: the reference client (sockjs-client ${transport ?? 'websocket'}) over https`,
    { skip },
    async (t) => {
      const pki = await makePki(t);
      const h = await tlsHarness(t, { pfx: pki.pfx, passphrase: pki.passphrase });
      const base = `https://127.0.0.1:${h.agent.address.port}`;
      const child = fork(
        path.join(here, '../helpers/reference-client-child.ts'),
        [base, ...(transport ? [transport] : [])],
        {
          execArgv: ['--import', 'tsx'],
          env: { ...process.env, NODE_EXTRA_CA_CERTS: pki.ca },
          stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
        },
      );
      t.after(() => child.kill());
      const messages: ChildMessage[] = [];
      const next = (type: ChildMessage['type']): Promise<ChildMessage> =>
        new Promise((resolve, reject) => {
          const onMessage = (m: ChildMessage): void => {
            messages.push(m);
            if (m.type === 'error') reject(new Error(`reference client error: ${m.error ?? ''}`));
            if (m.type !== type) return;
            child.off('message', onMessage);
            resolve(m);
          };
          child.on('message', onMessage);
          child.once('exit', (code) => reject(new Error(`child exited (${code ?? '?'})`)));
        });
      const listening = await next('listening');
      assert.deepEqual(JSON.parse(listening.body ?? ''), {
        listening: true,
        phone: '201',
        user: 'ALICE',
      });
      assert.equal(listening.transport, transport ?? 'websocket');
      // The page's trick for its session id reads "s<server>/<id>" from an https URL (it strips
      // "http" from "https"); the agent counts that subscription as the session's own.
      const [session] = h.agent.snapshot().sessions;
      assert.match(listening.sessionId ?? '', new RegExp(`^s\\d+/${session?.id ?? '-'}$`));
      // One pop per call, though the page subscribed twice: a second pop of tls-2 would come
      // before the pop of tls-3.
      const callers: string[] = [];
      child.on('message', (m: ChildMessage) => {
        if (m.type === 'caller') callers.push(m.caller?.callId ?? '');
      });
      h.sim.ring('201', '+48222', 'tls-2');
      h.sim.ring('201', '+48223', 'tls-3');
      await waitUntil(() => callers.includes('tls-3'), 5000, 'the second pop');
      assert.deepEqual(callers, ['tls-2', 'tls-3']);
      const unlistened = h.sim.waitForLine('UNLISTEN 201');
      child.send('close');
      await unlistened;
    },
  );
}
