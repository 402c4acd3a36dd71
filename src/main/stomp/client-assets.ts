import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The browser libraries pages need, served by the agent itself so that APEX pages load them
 * from the machine they talk to (no CDN): `<path>-client/sockjs.min.js`, `<path>-client/stomp.min.js`.
 */
const require = createRequire(import.meta.url);

export interface Asset {
  file: string;
  contentType: string;
}

export function clientAssets(): Map<string, Asset> {
  const js = 'application/javascript; charset=utf-8';
  return new Map([
    [
      'sockjs.min.js',
      { file: require.resolve('sockjs-client/dist/sockjs.min.js'), contentType: js },
    ],
    ['stomp.min.js', { file: require.resolve('stompjs/lib/stomp.min.js'), contentType: js }],
  ]);
}

/** Serves GET/HEAD for the named assets; returns false when the request is not for one. */
export async function serveAsset(
  assets: ReadonlyMap<string, Asset>,
  name: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  const asset = assets.get(name);
  if (asset === undefined || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
  try {
    const body = await readFile(asset.file);
    res.writeHead(200, {
      'content-type': asset.contentType,
      'content-length': body.length,
      'cache-control': 'public, max-age=3600',
      'x-content-type-options': 'nosniff',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  } catch {
    res.writeHead(500, { 'content-type': 'text/plain' }).end('asset unavailable\n');
  }
  return true;
}
