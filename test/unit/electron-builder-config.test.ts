import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ErrorObject } from 'ajv';
import {
  at,
  isObject,
  loadBuilderConfig,
  type Json,
  type JsonObject,
} from '../helpers/builder-config.js';

/**
 * electron-builder.yml against the JSON schema electron-builder itself validates with
 * (app-builder-lib's scheme.json, draft-07, `additionalProperties: false` on every options
 * object). The installer cannot be built here (no Electron or NSIS download), so this is
 * what stands between a typo and a failed build on the Windows machine.
 */

const require = createRequire(import.meta.url);

function loadSchema(): object {
  // app-builder-lib is electron-builder's own dependency: resolve it from there.
  const builder = require.resolve('electron-builder/package.json');
  const file = createRequire(builder).resolve('app-builder-lib/scheme.json');
  return JSON.parse(readFileSync(file, 'utf8')) as object;
}

// Options as app-builder-lib's schemaValidator, except `coerceTypes`: the file must hold the
// schema's own types (electron-builder would quietly turn "false" into false). `strict: false`
// because the schema uses a non-standard `typeof` keyword for its hook options.
const validate = new Ajv({ allErrors: true, strict: false }).compile(loadSchema());

function problems(config: Json): string[] {
  if (validate(structuredClone(config))) return [];
  return (validate.errors ?? []).map(describe);
}

function describe(error: ErrorObject): string {
  const extra =
    error.keyword === 'additionalProperties' ? ` '${String(error.params.additionalProperty)}'` : '';
  return `${error.instancePath || '(top level)'}: ${error.message ?? error.keyword}${extra}`;
}

/** A copy of the config with `value` at `path` (objects on the way are created). */
function withValue(config: JsonObject, keys: string[], value: Json): JsonObject {
  const copy = structuredClone(config);
  const path = [...keys];
  const last = path.pop() ?? '';
  let node: JsonObject = copy;
  for (const key of path) {
    const next = node[key];
    node = isObject(next) ? next : (node[key] = {});
  }
  node[last] = value;
  return copy;
}

test('electron-builder.yml matches the schema app-builder-lib ships', () => {
  assert.deepEqual(problems(loadBuilderConfig()), []);
});

test('a misspelt key is refused, at the top level and inside an options object', () => {
  const config = loadBuilderConfig();
  const cases: [string[], Json, RegExp][] = [
    [['appID'], 'com.example', /must NOT have additional properties 'appID'/],
    [['nsis', 'oneClik'], false, /\/nsis: must NOT have additional properties 'oneClik'/],
    [['win', 'icons'], 'assets/icon.ico', /\/win: must NOT have additional properties 'icons'/],
    [['directories', 'outputs'], 'out', /must NOT have additional properties 'outputs'/],
  ];
  for (const [path, value, expected] of cases) {
    const found = problems(withValue(config, path, value));
    assert.ok(
      found.some((p) => expected.test(p)),
      `${path.join('.')}: ${found.join('; ')}`,
    );
  }
});

test('a value of the wrong type is refused', () => {
  const config = loadBuilderConfig();
  const cases: [string[], Json][] = [
    [['nsis', 'perMachine'], 'yes'],
    [['nsis', 'oneClick'], 'false'],
    [['asar'], 'on'],
    [['nsis', 'include'], 42],
    [['appId'], ['com.tapimessenger.agent']],
  ];
  for (const [path, value] of cases) {
    assert.notDeepEqual(problems(withValue(config, path, value)), [], path.join('.'));
  }
});

test('the installer is what the issue asks for: per machine, assisted, x64 NSIS, asar', () => {
  const config = loadBuilderConfig();
  assert.equal(at(config, 'appId'), 'com.tapimessenger.agent');
  assert.equal(at(config, 'productName'), 'Tapi Messenger');
  assert.equal(
    at(config, 'extraMetadata', 'productName'),
    at(config, 'productName'),
    'the packaged app is named like the product (its %APPDATA% folder and logs)',
  );
  assert.equal(at(config, 'asar'), true);
  assert.equal(at(config, 'directories', 'output'), 'out');
  assert.deepEqual(at(config, 'win', 'target'), [{ target: 'nsis', arch: ['x64'] }]);
  const expected = {
    oneClick: false,
    perMachine: true,
    allowToChangeInstallationDirectory: true,
    createDesktopShortcut: true,
    createStartMenuShortcut: true,
    runAfterFinish: true,
  };
  const actual = Object.fromEntries(Object.keys(expected).map((k) => [k, at(config, 'nsis', k)]));
  assert.deepEqual(actual, expected);
});

test('the app that is packaged is the compiled Electron entry', () => {
  const pkg = JSON.parse(readFileSync(require.resolve('../../package.json'), 'utf8')) as {
    main?: string;
  };
  const files = at(loadBuilderConfig(), 'files');
  assert.ok(Array.isArray(files) && files.includes('dist/**') && files.includes('package.json'));
  assert.equal(pkg.main, 'dist/main/shell/main.js');
});

test('Electron fuses: no RunAsNode, no NODE_OPTIONS, no inspector, encrypted cookies, app only from asar', () => {
  const config = loadBuilderConfig();
  assert.deepEqual(at(config, 'electronFuses'), {
    runAsNode: false,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableCookieEncryption: true,
    onlyLoadAppFromAsar: true,
  });
  // The schema knows every fuse by name: a misspelt one would be refused, not ignored.
  const found = problems(withValue(config, ['electronFuses', 'runAsnode'], false));
  assert.ok(
    found.some((p) => /electronFuses: must NOT have additional properties 'runAsnode'/.test(p)),
    found.join('; '),
  );
  assert.notDeepEqual(problems(withValue(config, ['electronFuses', 'runAsNode'], 'off')), []);
});
