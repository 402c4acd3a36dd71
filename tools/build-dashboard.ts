import { build } from 'esbuild';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DASHBOARD_CSP } from '../src/main/csp.js';

/**
 * Bundles the dashboard (`src/renderer` → `dist/renderer/`: index.html, app.js, app.css) and
 * the Electron preload (`src/preload` → `dist/preload/preload.cjs`: sandboxed preloads must be
 * one CommonJS file). `npm run build` runs it; tests call `buildRenderer` for a fresh bundle.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The meta-tag form of the CSP: `frame-ancestors` only works as a header. */
const META_CSP = DASHBOARD_CSP.split('; ')
  .filter((directive) => !directive.startsWith('frame-ancestors'))
  .join('; ');

export async function buildRenderer(outDir = path.join(root, 'dist', 'renderer')): Promise<string> {
  const src = path.join(root, 'src', 'renderer');
  await mkdir(outDir, { recursive: true });
  await build({
    entryPoints: [path.join(src, 'main.ts')],
    outfile: path.join(outDir, 'app.js'),
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['chrome114'],
    sourcemap: true,
    minify: true,
    logLevel: 'warning',
  });
  await copyFile(path.join(src, 'styles.css'), path.join(outDir, 'app.css'));
  await copyFile(path.join(src, 'favicon.svg'), path.join(outDir, 'favicon.svg'));
  const html = await readFile(path.join(src, 'index.html'), 'utf8');
  await writeFile(path.join(outDir, 'index.html'), html.replace('%CSP%', META_CSP));
  return outDir;
}

export async function buildPreload(outDir = path.join(root, 'dist', 'preload')): Promise<string> {
  await build({
    entryPoints: [path.join(root, 'src', 'preload', 'preload.ts')],
    outfile: path.join(outDir, 'preload.cjs'),
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: ['node20'],
    external: ['electron'],
    sourcemap: true,
    logLevel: 'warning',
  });
  return outDir;
}

const isMain =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const [renderer, preload] = await Promise.all([buildRenderer(), buildPreload()]);
  console.log(
    `dashboard bundle in ${path.relative(root, renderer)}, preload in ${path.relative(root, preload)}`,
  );
}
