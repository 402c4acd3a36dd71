import { StompSession, type StompSessionHandler } from '../../src/main/stomp/stomp-session.js';
import { FakeTransport } from './fake-transport.js';
import { silentLogger } from '../../src/main/core/log.js';

/** A session over a fake transport, on a clock the test moves. */
export function fakeStompSession(limits: {
  maxFramesPerSecond?: number;
  maxPendingBytes?: number;
  sendStallMs?: number;
  connectTimeoutMs?: number;
  /** Whether the client sends CONNECT at once (default true). */
  connect?: boolean;
}) {
  let now = 0;
  const transport = new FakeTransport();
  // The transport's ends are logged beside the session's own events, in order.
  const events = transport.ends;
  const handler: StompSessionHandler = {
    connected: () => undefined,
    subscribed: () => undefined,
    send: () => undefined,
    refuseSend: () => null,
    protocolError: (_s, code) => void events.push(`error ${code}`),
    closed: (_s, reason) => void events.push(`closed ${reason.split(':')[0] ?? ''}`),
    unexpected: () => void events.push('unexpected'),
  };
  const stomp = new StompSession(
    's1',
    transport,
    {
      maxFrameBytes: 65536,
      heartbeatMs: [0, 0],
      connectTimeoutMs: limits.connectTimeoutMs ?? 60_000,
      maxSubscriptions: 100,
      maxFramesPerSecond: limits.maxFramesPerSecond ?? 100,
      maxPendingBytes: limits.maxPendingBytes ?? 1 << 20,
      sendStallMs: limits.sendStallMs ?? 10_000,
      serverName: 'test',
      now: () => now,
    },
    handler,
    silentLogger(),
  );
  if (limits.connect ?? true) stomp.receive(Buffer.from('CONNECT\naccept-version:1.2\n\n\0'));
  return {
    stomp,
    sent: transport.sent,
    events,
    transport,
    tick: (ms: number) => void (now += ms),
    receipt: (id: string) => stomp.receive(Buffer.from(`ACK\nreceipt:${id}\n\n\0`)),
    end: () => stomp.transportClosed(),
  };
}
