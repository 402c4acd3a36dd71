import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { packageRoot } from '../package-root.js';

/**
 * The browser libraries pages need, served by the agent itself so that APEX pages load them
 * from the machine they talk to (no CDN): `<path>-client/sockjs.min.js`, `<path>-client/stomp.min.js`
 * for the reference client, and the SDK (`tapi-messenger.js`, `.mjs`, `.d.ts`, built by
 * `npm run build` into `dist/sdk/`).
 */
const require = createRequire(import.meta.url);

export interface Asset {
  file: string;
  contentType: string;
}

const JS = 'application/javascript; charset=utf-8';

export function clientAssets(): Map<string, Asset> {
  return new Map([
    [
      'sockjs.min.js',
      { file: require.resolve('sockjs-client/dist/sockjs.min.js'), contentType: JS },
    ],
    ['stomp.min.js', { file: require.resolve('stompjs/lib/stomp.min.js'), contentType: JS }],
    ...sdkAssets(path.join(packageRoot(), 'dist', 'sdk')),
  ]);
}

/** The SDK's files in `dir` (tools/build-sdk.ts writes them). */
export function sdkAssets(dir: string): Map<string, Asset> {
  return new Map([
    ['tapi-messenger.js', { file: path.join(dir, 'tapi-messenger.js'), contentType: JS }],
    ['tapi-messenger.mjs', { file: path.join(dir, 'tapi-messenger.mjs'), contentType: JS }],
    [
      'tapi-messenger.d.ts',
      { file: path.join(dir, 'tapi-messenger.d.ts'), contentType: 'text/plain; charset=utf-8' },
    ],
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
    res
      .writeHead(500, { 'content-type': 'text/plain' })
      .end(`${name} is unavailable (is the agent built? npm run build)\n`);
  }
  return true;
}
