import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

/**
 * Acceptance 4: the dashboard runs in a sandboxed renderer and in a plain browser, so it may
 * import only its own files and `src/shared` — never Node, Electron, the main process or the
 * preload. Checked on the sources, and the lint rule that guards edits is checked to fire.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const rendererDir = path.join(root, 'src', 'renderer');
const sharedDir = path.join(root, 'src', 'shared');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

/** Every module specifier of `import`/`export … from`/`import()`/`require()` in a file. */
function specifiers(code: string): string[] {
  const found: string[] = [];
  const patterns = [
    /\b(?:import|export)\s[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"`]([^'"`]+)['"`]\s*\)/g,
    /\brequire\s*\(\s*['"`]([^'"`]+)['"`]\s*\)/g,
  ];
  for (const pattern of patterns)
    for (const match of code.matchAll(pattern)) if (match[1]) found.push(match[1]);
  return found;
}

test('the renderer imports only its own files and src/shared', () => {
  const files = [...sources(rendererDir), ...sources(sharedDir)];
  assert.ok(files.length > 10, `found ${files.length} files`);
  const problems: string[] = [];
  for (const file of files) {
    for (const spec of specifiers(readFileSync(file, 'utf8'))) {
      if (!spec.startsWith('.')) {
        problems.push(`${path.relative(root, file)}: imports package "${spec}"`);
        continue;
      }
      const target = path.resolve(path.dirname(file), spec);
      if (!target.startsWith(rendererDir + path.sep) && !target.startsWith(sharedDir + path.sep)) {
        problems.push(`${path.relative(root, file)}: imports ${path.relative(root, target)}`);
      }
    }
  }
  assert.deepEqual(problems, []);
});

test('the scanner sees every form of import', () => {
  const code = `import a from 'node:fs';\nimport type { B } from "../main/agent.js";\nexport * from './x.js';\nimport 'electron';\nconst c = await import('os');\nrequire("net");`;
  assert.deepEqual(specifiers(code).sort(), [
    '../main/agent.js',
    './x.js',
    'electron',
    'net',
    'node:fs',
    'os',
  ]);
});

test('the lint rule refuses Node, Electron, main and preload imports in src/renderer', async () => {
  const eslint = new ESLint({ cwd: root });
  const filePath = path.join(rendererDir, 'views', 'probe.ts');
  const bad = [
    "import { readFileSync } from 'node:fs';",
    "import { ipcRenderer } from 'electron';",
    "import type { Agent } from '../../main/agent.js';",
    "import fs from 'fs';",
  ];
  for (const line of bad) {
    const [result] = await eslint.lintText(`${line}\nexport const x = 1;\n`, { filePath });
    const rules = (result?.messages ?? []).map((m) => m.ruleId);
    assert.ok(
      rules.includes('no-restricted-imports'),
      `${line}: ${JSON.stringify(result?.messages)}`,
    );
  }
  const [ok] = await eslint.lintText(
    "import type { Snapshot } from '../../shared/bridge.js';\nexport type S = Snapshot;\n",
    { filePath },
  );
  assert.deepEqual(ok?.messages, []);
});
