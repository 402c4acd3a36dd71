import net from 'node:net';

/**
 * Sends `request` as raw bytes (a request line and headers no HTTP client would send) and
 * resolves with what came back by the time the server closed, or after `timeoutMs` of quiet.
 */
export function rawHttp(
  port: number,
  request: string | Buffer,
  options: { localAddress?: string; timeoutMs?: number } = {},
): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port, localAddress: options.localAddress });
    let reply = '';
    const finish = (): void => {
      socket.destroy();
      resolve(reply);
    };
    socket.setTimeout(options.timeoutMs ?? 2000, finish);
    socket.on('connect', () => socket.write(request));
    socket.on('data', (data: Buffer) => {
      reply += data.toString('latin1');
    });
    socket.on('error', finish);
    socket.on('close', finish);
  });
}

/** The status code of a raw HTTP reply (0 when there was none). */
export function statusOf(reply: string): number {
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(reply)?.[1] ?? 0);
}

/** A WebSocket handshake request for `path` (RFC 6455's sample key), as a raw request. */
export function webSocketUpgrade(path: string, port: number, protocol?: string): string {
  return (
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
    'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n' +
    (protocol ? `Sec-WebSocket-Protocol: ${protocol}\r\n` : '') +
    '\r\n'
  );
}

/** A masked client WebSocket frame (RFC 6455 §5.2), payloads under 126 bytes. */
export function clientFrame(opcode: number, payload: Buffer): Buffer {
  if (payload.length >= 126) throw new RangeError('clientFrame: payloads under 126 bytes only');
  const mask = Buffer.from([1, 2, 3, 4]);
  const masked = Buffer.from(payload.map((byte, i) => byte ^ (mask[i % 4] as number)));
  return Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | payload.length]), mask, masked]);
}
