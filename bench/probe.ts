import WebSocket from 'ws';
import { nowMicros } from './clock.js';
import { encodeClientFrame } from './mini-stomp.js';

/**
 * One STOMP CONNECT attempt over a raw WebSocket: resolves with the time CONNECTED arrived (µs,
 * the benchmark clock), or null if the connection was refused or failed. Cold-start probes call
 * it in a loop.
 */
export function tryConnect(url: string, login?: string, passcode?: string): Promise<number | null> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, ['v12.stomp'], { perMessageDeflate: false });
    const done = (at: number | null): void => {
      ws.removeAllListeners();
      ws.on('error', () => undefined);
      if (ws.readyState === ws.OPEN) ws.close();
      else ws.terminate();
      resolve(at);
    };
    const headers: Record<string, string> = {
      'accept-version': '1.2',
      host: '/',
      'heart-beat': '0,0',
    };
    if (login !== undefined) headers.login = login;
    if (passcode !== undefined) headers.passcode = passcode;
    ws.on('open', () => ws.send(encodeClientFrame('CONNECT', headers)));
    ws.on('message', (data: WebSocket.RawData) => {
      done(data.toString().startsWith('CONNECTED') ? nowMicros() : null);
    });
    ws.on('error', () => done(null));
    ws.on('close', () => done(null));
  });
}

/** Calls `tryConnect` every 2 ms until it succeeds; resolves with the time it did (µs). */
export async function firstConnection(
  url: string,
  stillTrying: () => boolean,
  credentials: { login?: string; passcode?: string } = {},
  timeoutMs = 60_000,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const at = await tryConnect(url, credentials.login, credentials.passcode);
    if (at !== null) return at;
    if (Date.now() > deadline || !stillTrying()) {
      throw new Error(`no STOMP connection accepted at ${url}`);
    }
    await new Promise((r) => setTimeout(r, 2));
  }
}
