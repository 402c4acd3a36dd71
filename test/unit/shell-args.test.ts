import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../src/main/config/load-config.js';
import { electronCommandLine, parseShellArgs, userArgs } from '../../src/main/shell/shell-args.js';

/** The tray app's command line, as Windows, Electron and `npm start` hand it over. */

const EXE = 'C:\\Program Files\\Tapi Messenger\\Tapi Messenger.exe';
const FILE = 'C:\\path\\my config.json';

const parse = (argv: string[], defaultApp = false): ReturnType<typeof parseShellArgs> =>
  parseShellArgs(userArgs(argv, defaultApp));

test('--config FILE with a space in the path, before or after --hidden', () => {
  const expected = { config: FILE, hidden: true, quit: false };
  assert.deepEqual(parse([EXE, '--config', FILE, '--hidden']), expected);
  assert.deepEqual(parse([EXE, '--hidden', '--config', FILE]), expected);
  assert.deepEqual(parse([EXE, `--config=${FILE}`, '--hidden']), expected);
});

test('the packaged exe alone, and the login entry', () => {
  assert.deepEqual(parse([EXE]), { config: undefined, hidden: false, quit: false });
  assert.deepEqual(parse([EXE, '--hidden']), { config: undefined, hidden: true, quit: false });
});

test('electron . …: the app folder is not an argument of the app', () => {
  assert.deepEqual(parse(['/usr/lib/electron/electron', '.', '--config', FILE], true), {
    config: FILE,
    hidden: false,
    quit: false,
  });
  assert.deepEqual(parse(['electron', '--config', FILE], false).config, FILE);
});

test('npm start -- --config FILE reaches the app unchanged', () => {
  const argv = ['--config', FILE, '--hidden'];
  const electron = ['electron.exe', ...electronCommandLine('C:\\src\\tapi-messenger', argv)];
  assert.deepEqual(parse(electron, true), { config: FILE, hidden: true, quit: false });
});

test('--quit asks the running app to quit', () => {
  assert.equal(parse([EXE, '--quit']).quit, true);
  assert.equal(parse([EXE, '--hidden']).quit, false);
});

test('Chromium switches on a second instance are ignored', () => {
  assert.deepEqual(
    parse([EXE, '--allow-file-access-from-files', '--original-process-start-time=133', '--hidden']),
    { config: undefined, hidden: true, quit: false },
  );
});

test('--config without a file is a configuration error, not a file named --hidden', () => {
  for (const argv of [
    [EXE, '--config', '--hidden'],
    [EXE, '--config'],
    [EXE, '--config='],
  ]) {
    assert.throws(() => parse(argv), ConfigError, argv.join(' '));
  }
});
