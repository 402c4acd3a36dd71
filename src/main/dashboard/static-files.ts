import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../package-root.js';

export interface StaticFile {
  body: Buffer;
  contentType: string;
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** `dist/renderer/` of this package. */
export function defaultRendererDir(): string {
  return path.join(packageRoot(), 'dist', 'renderer');
}

/**
 * The dashboard bundle, read once into memory (a few hundred KiB): `/` is `index.html`, every
 * other file by its name. Only files of the bundle folder itself are ever served.
 */
export function loadStaticFiles(dir: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  if (!existsSync(path.join(dir, 'index.html'))) return files;
  for (const name of readdirSync(dir)) {
    const contentType = TYPES[path.extname(name)];
    if (contentType === undefined) continue;
    files.set(`/${name}`, { body: readFileSync(path.join(dir, name)), contentType });
  }
  const index = files.get('/index.html');
  if (index) files.set('/', index);
  return files;
}
