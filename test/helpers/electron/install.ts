import Module, { createRequire, register } from 'node:module';
import { electronModule } from './stand-in.js';

/**
 * Puts the stand-in in place of `electron` for every later `import` and `require` in this
 * process: a resolve hook (`module.register`) sends `import 'electron'` to stand-in.ts, and
 * the CommonJS cache answers `require('electron')` (electron-log's) with the same object.
 * Import this before anything that imports `electron`, and load the app with `import()`.
 *
 * (Node's `mock.module` would do both, but on Node 20 it breaks the `import` condition of
 * other packages when tsx's loader is also registered: `ws` loses its named exports.)
 */

const standInUrl = new URL('./stand-in.ts', import.meta.url).href;
const hooks = `
export async function resolve(specifier, context, next) {
  if (specifier === 'electron') return { url: ${JSON.stringify(standInUrl)}, shortCircuit: true };
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);

const require = createRequire(import.meta.url);
const electronMain = require.resolve('electron');
const cached = new Module(electronMain);
cached.filename = electronMain;
cached.loaded = true;
cached.exports = electronModule;
require.cache[electronMain] = cached;
