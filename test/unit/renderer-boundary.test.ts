import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

/**
 * Acceptance 4: the dashboard runs in a sandboxed renderer and in a plain browser, so it may
 * import only its own files and `src/shared` — never a package, Node, Electron, the main process
 * or the preload. The ESLint rule (eslint.config.js) enforces it on every `npm run lint`; this
 * checks that the rule fires, in the renderer and in the shared files it imports.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function restrictedImports(file: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(`${code}\nexport const x = 1;\n`, {
    filePath: path.join(root, file),
  });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

test('the lint rule refuses packages, Node, Electron, main and preload imports in src/renderer and src/shared', async () => {
  const bad = [
    "import { readFileSync } from 'node:fs';",
    "import { ipcRenderer } from 'electron';",
    "import type { Agent } from '../../main/agent.js';",
    "import fs from 'fs';",
    "import { WebSocketServer } from 'ws';",
    "export * from '../../preload/preload.js';",
  ];
  for (const file of ['src/renderer/views/probe.ts', 'src/shared/probe.ts']) {
    for (const line of bad) {
      const messages = await restrictedImports(file, line);
      assert.ok(
        messages.some((m) => m.startsWith('no-restricted-imports')),
        `${file}: ${line}: ${JSON.stringify(messages)}`,
      );
    }
  }
  assert.deepEqual(
    await restrictedImports(
      'src/renderer/views/probe.ts',
      "import type { Snapshot } from '../../shared/bridge.js';\nexport type S = Snapshot;",
    ),
    [],
  );
});
