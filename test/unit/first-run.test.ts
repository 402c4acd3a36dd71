import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  ensureConfigFiles,
  programDataConfigDir,
  SHIPPED_CONFIG_FILES,
} from '../../src/main/shell/first-run.js';
import { tempDir } from '../helpers/temp-dir.js';

/** First run against a temporary "resources" folder and a temporary "ProgramData" folder. */

const SHIPPED: Record<(typeof SHIPPED_CONFIG_FILES)[number], string> = {
  'tapi-messenger.json': '{ "server": { "allowedOrigins": ["https://apex.example.com"] } }\n',
  'directory.example.json': '{ "sessions": {}, "users": { "ALICE": "201" } }\n',
};

async function fixture(t: { after: (fn: () => Promise<void>) => void }): Promise<{
  resourcesDir: string;
  programData: string;
}> {
  const base = await tempDir(t, 'tm-first-run');
  const resourcesDir = path.join(base, 'resources');
  await mkdir(path.join(resourcesDir, 'config'), { recursive: true });
  for (const [name, text] of Object.entries(SHIPPED)) {
    await writeFile(path.join(resourcesDir, 'config', name), text);
  }
  return { resourcesDir, programData: path.join(base, 'ProgramData') };
}

test('absent folder and files: the folder is created and every default copied', async (t) => {
  const { resourcesDir, programData } = await fixture(t);
  const configDir = path.join(programData, 'Tapi Messenger');
  const result = await ensureConfigFiles({ resourcesDir, configDir });
  assert.deepEqual(
    result.copied.sort(),
    SHIPPED_CONFIG_FILES.map((n) => path.join(configDir, n)).sort(),
  );
  assert.deepEqual([result.kept, result.skipped], [[], []]);
  for (const [name, text] of Object.entries(SHIPPED)) {
    assert.equal(await readFile(path.join(configDir, name), 'utf8'), text, name);
  }
  assert.deepEqual(
    (await readdir(configDir)).sort(),
    [...SHIPPED_CONFIG_FILES].sort(),
    'no temp files left',
  );
});

test('a present, edited file is left untouched; only the absent one is copied', async (t) => {
  const { resourcesDir, programData } = await fixture(t);
  await mkdir(programData, { recursive: true });
  const edited = '{ "server": { "allowedOrigins": ["https://apex.corp.local"] } }\n';
  const config = path.join(programData, 'tapi-messenger.json');
  await writeFile(config, edited);
  const result = await ensureConfigFiles({ resourcesDir, configDir: programData });
  assert.equal(await readFile(config, 'utf8'), edited);
  assert.deepEqual(result.kept, [config]);
  assert.deepEqual(result.copied, [path.join(programData, 'directory.example.json')]);
});

test('a second run (an upgrade) copies nothing', async (t) => {
  const { resourcesDir, programData } = await fixture(t);
  await ensureConfigFiles({ resourcesDir, configDir: programData });
  await writeFile(path.join(resourcesDir, 'config', 'tapi-messenger.json'), '{ "new": "default" }');
  const again = await ensureConfigFiles({ resourcesDir, configDir: programData });
  assert.deepEqual(again.copied, []);
  assert.equal(again.kept.length, SHIPPED_CONFIG_FILES.length);
  assert.equal(
    await readFile(path.join(programData, 'tapi-messenger.json'), 'utf8'),
    SHIPPED['tapi-messenger.json'],
  );
});

test('two starts at once copy each file once and never fail on each other', async (t) => {
  const { resourcesDir, programData } = await fixture(t);
  const runs = await Promise.all(
    Array.from({ length: 4 }, () => ensureConfigFiles({ resourcesDir, configDir: programData })),
  );
  const copied = runs.flatMap((r) => r.copied).sort();
  assert.deepEqual(copied, SHIPPED_CONFIG_FILES.map((n) => path.join(programData, n)).sort());
  assert.deepEqual((await readdir(programData)).sort(), [...SHIPPED_CONFIG_FILES].sort());
});

test('missing shipped defaults are an error that says to reinstall', async (t) => {
  const { resourcesDir, programData } = await fixture(t);
  await rm(path.join(resourcesDir, 'config', 'directory.example.json'));
  await assert.rejects(
    ensureConfigFiles({ resourcesDir, configDir: programData }),
    /directory\.example\.json are missing from .*config; reinstall Tapi Messenger/,
  );
});

test('outside Electron, resourcesDir must be given', async () => {
  await assert.rejects(ensureConfigFiles({ configDir: tmpdir() }), /process\.resourcesPath/);
});

const isRoot = process.getuid?.() === 0;

test(
  'a folder this user may not write: absent files are reported, not thrown',
  { skip: isRoot || process.platform === 'win32' ? 'permissions do not bind root' : false },
  async (t) => {
    const { resourcesDir, programData } = await fixture(t);
    await mkdir(programData);
    await writeFile(path.join(programData, 'tapi-messenger.json'), '{}');
    await chmod(programData, 0o555);
    try {
      const result = await ensureConfigFiles({ resourcesDir, configDir: programData });
      assert.deepEqual(result.kept, [path.join(programData, 'tapi-messenger.json')]);
      const [skipped, ...more] = result.skipped;
      assert.deepEqual(more, []);
      assert.ok(skipped, 'the example is reported');
      assert.equal(skipped.file, path.join(programData, 'directory.example.json'));
      assert.match(skipped.reason, /no permission .*an administrator can copy it from/);
    } finally {
      await chmod(programData, 0o755); // so that the fixture can be removed
    }
  },
);

test('the config folder: %ProgramData%\\Tapi Messenger on Windows, the config home elsewhere', () => {
  assert.equal(
    programDataConfigDir({ ProgramData: 'D:\\ProgramData' }, 'win32'),
    'D:\\ProgramData\\Tapi Messenger',
  );
  assert.equal(programDataConfigDir({}, 'win32'), 'C:\\ProgramData\\Tapi Messenger');
  assert.equal(
    programDataConfigDir({ XDG_CONFIG_HOME: '/srv/conf' }, 'linux'),
    '/srv/conf/tapi-messenger',
  );
  assert.equal(
    programDataConfigDir({ HOME: '/home/op' }, 'linux'),
    '/home/op/.config/tapi-messenger',
  );
});
