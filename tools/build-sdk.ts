import { build, type BuildOptions } from 'esbuild';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

/**
 * Bundles the browser SDK (`src/sdk` → `dist/sdk/`): `tapi-messenger.js` (a classic script
 * whose only global is `TapiMessenger`), `tapi-messenger.mjs` (an ES module) and
 * `tapi-messenger.d.ts`. Each bundle holds @stomp/stompjs and the agent's sockjs-client, and
 * must stay under SDK_GZIP_LIMIT gzipped: the build fails otherwise. `npm run build` runs it;
 * tests call `buildSdk` for a fresh bundle (the browser tests without the declarations).
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const src = path.join(root, 'src', 'sdk');

export const SDK_GZIP_LIMIT = 40 * 1024;

export interface SdkBuild {
  dir: string;
  /** Gzipped bytes of each bundle. */
  gzipped: Record<string, number>;
}

export async function buildSdk(
  outDir = path.join(root, 'dist', 'sdk'),
  options: { declarations?: boolean } = {},
): Promise<SdkBuild> {
  await mkdir(outDir, { recursive: true });
  const common: BuildOptions = {
    bundle: true,
    platform: 'browser',
    target: ['chrome100', 'firefox100', 'safari15'],
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  };
  await Promise.all([
    build({
      ...common,
      entryPoints: [path.join(src, 'global.ts')],
      outfile: path.join(outDir, 'tapi-messenger.js'),
      format: 'iife',
      globalName: 'TapiMessenger',
    }),
    build({
      ...common,
      entryPoints: [path.join(src, 'module.ts')],
      outfile: path.join(outDir, 'tapi-messenger.mjs'),
      format: 'esm',
    }),
  ]);
  if (options.declarations ?? true) {
    await writeFile(path.join(outDir, 'tapi-messenger.d.ts'), await declarations());
  }
  const gzipped: Record<string, number> = {};
  for (const name of ['tapi-messenger.js', 'tapi-messenger.mjs']) {
    const size = gzipSync(await readFile(path.join(outDir, name)), { level: 9 }).length;
    if (size > SDK_GZIP_LIMIT) {
      throw new Error(`${name} is ${size} bytes gzipped, over the ${SDK_GZIP_LIMIT} byte budget`);
    }
    gzipped[name] = size;
  }
  return { dir: outDir, gzipped };
}

/**
 * `src/sdk/api.ts` (types only, checked by `npm run typecheck`) as declarations, plus
 * `connect`: one file for ES modules and for the global.
 */
async function declarations(): Promise<string> {
  const { default: ts } = await import('typescript'); // a second to load: only when wanted
  const file = path.join(src, 'api.ts');
  const { outputText, diagnostics } = ts.transpileDeclaration(await readFile(file, 'utf8'), {
    fileName: file,
    compilerOptions: { strict: true, target: ts.ScriptTarget.ES2022 },
  });
  if (diagnostics !== undefined && diagnostics.length > 0) {
    throw new Error(ts.formatDiagnostics(diagnostics, ts.createCompilerHost({})));
  }
  return `// Tapi Messenger browser SDK: <script src=".../tapi-messenger-client/tapi-messenger.js"> (global TapiMessenger) or import from ".../tapi-messenger.mjs".
${outputText}
/** Connects to the agent and listens with the page's APEX session. */
export declare const connect: Connect;
export as namespace TapiMessenger;
`;
}

const isMain =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const { dir, gzipped } = await buildSdk();
  const sizes = Object.entries(gzipped).map(
    ([name, size]) => `${name} ${(size / 1024).toFixed(1)} KiB`,
  );
  console.log(`SDK in ${path.relative(root, dir)} (gzipped: ${sizes.join(', ')})`);
}
