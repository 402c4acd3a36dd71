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
