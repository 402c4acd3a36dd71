import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Asset } from '../src/main/stomp/client-assets.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The reference page client: the code existing APEX pages run, kept as the project's fixture. */
export const REFERENCE_CLIENT_FILE = path.resolve(
  here,
  '../test/fixtures/reference-page-client.js',
);

/**
 * The demo pages' files, served by the agent under `<path>-client/`: demo.html, its glue and
 * the reference page client, unchanged; sdk.html and its glue (the SDK itself is built and
 * served by tools/demo.ts).
 */
export function demoAssets(): Map<string, Asset> {
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
    [
      'sdk.html',
      { file: path.join(here, 'demo/sdk.html'), contentType: 'text/html; charset=utf-8' },
    ],
    ['page-log.js', { file: path.join(here, 'demo/page-log.js'), contentType: js }],
    ['sdk-demo.js', { file: path.join(here, 'demo/sdk-demo.js'), contentType: js }],
    ['reference-page-client.js', { file: REFERENCE_CLIENT_FILE, contentType: js }],
  ]);
}
