import path from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Asset } from '../src/main/stomp/client-assets.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * The demo page's files, served by the agent under `<path>-client/`: demo.html and the
 * unchanged reference client from shared/. Null when shared/ is not beside the checkout.
 */
export function demoAssets(): Map<string, Asset> | null {
  const seedClient = path.resolve(here, '../../shared/seed-client.js');
  if (!existsSync(seedClient)) return null;
  const js = 'application/javascript; charset=utf-8';
  return new Map<string, Asset>([
    [
      'demo.html',
      { file: path.join(here, 'demo/demo.html'), contentType: 'text/html; charset=utf-8' },
    ],
    [
      'demo.css',
      { file: path.join(here, 'demo/demo.css'), contentType: 'text/css; charset=utf-8' },
    ],
    ['demo.js', { file: path.join(here, 'demo/demo.js'), contentType: js }],
    ['seed-client.js', { file: seedClient, contentType: js }],
  ]);
}
