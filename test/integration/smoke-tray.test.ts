import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { electronBinary } from '../../src/main/electron-runtime.js';
import { ROOT } from '../helpers/builder-config.js';

/** `npm run smoke:tray` where Electron's runtime is missing (as here): one line, exit 0, no claim. */

test(
  'smoke:tray without the runtime says so in one line and claims nothing',
  {
    skip: 'path' in electronBinary() ? 'Electron runtime installed: run npm run smoke:tray' : false,
  },
  async () => {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'tools/smoke-tray.ts'],
      { cwd: ROOT },
    );
    const lines = stdout.trim().split('\n');
    assert.equal(lines.length, 1, stdout);
    assert.match(lines[0] ?? '', /^smoke:tray: not run: Electron's runtime is missing here \(.+\)/);
    assert.doesNotMatch(stdout, /\bOK\b|passed|success/i);
    assert.equal(stderr, '');
  },
);
