import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { parseConfig } from '../../src/main/config/load-config.js';
import { parseDirectoryFile } from '../../src/main/directory/file-directory.js';
import { programDataConfigDir, SHIPPED_CONFIG_FILES } from '../../src/main/shell/first-run.js';
import { TRAY_ICONS } from '../../src/main/shell/tray-status.js';
import { ROOT, at, isObject, loadBuilderConfig, stringAt } from '../helpers/builder-config.js';
import { tempDir } from '../helpers/temp-dir.js';

/**
 * Every file electron-builder.yml names is there and is what it should be: the `.ico` holds
 * 16…256 px images (its header parsed here), the PNGs are sound, the shipped config passes
 * the app's own validation, and the NSIS include agrees with the config and first run.
 */

const config = loadBuilderConfig();
const rel = (file: string): string => path.join(ROOT, file);

// ── What the config references ──────────────────────────────────────────────────────────────

function extraResources(): { from: string; to: string }[] {
  const list = at(config, 'extraResources');
  assert.ok(Array.isArray(list), 'extraResources is a list');
  return list.map((entry) => {
    assert.ok(isObject(entry) && typeof entry.from === 'string' && typeof entry.to === 'string');
    return { from: entry.from, to: entry.to };
  });
}

/** electron-builder's `files` patterns: only `*` and `**` are used here. */
function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|[\]\\?]/g, '\\$&');
  return new RegExp(
    `^${escaped.replace(/\*\*/g, '\0').replace(/\*/g, '[^/]*').replace(/\0/g, '.*')}$`,
  );
}

test('every file the config names exists', () => {
  const named = [
    stringAt(config, 'win', 'icon'),
    stringAt(config, 'linux', 'icon'),
    stringAt(config, 'nsis', 'installerIcon'),
    stringAt(config, 'nsis', 'uninstallerIcon'),
    stringAt(config, 'nsis', 'include'),
    ...extraResources().map((entry) => entry.from),
  ];
  for (const file of named) assert.ok(existsSync(rel(file)), `${file} is missing`);
});

test('the tray icons the app loads (and their @2x) exist and are packaged', () => {
  const files = at(config, 'files');
  assert.ok(Array.isArray(files));
  const patterns = files.filter((f): f is string => typeof f === 'string').map(globToRegExp);
  for (const name of Object.values(TRAY_ICONS)) {
    for (const file of [name, name.replace(/\.png$/, '@2x.png')]) {
      const asset = `assets/${file}`;
      assert.ok(existsSync(rel(asset)), `${asset} is missing: run npm run icons`);
      assert.ok(
        patterns.some((p) => p.test(asset)),
        `${asset} is not in files: the tray could not load it`,
      );
    }
  }
});

// ── Images ──────────────────────────────────────────────────────────────────────────────────

const PNG_SIGNATURE = Buffer.from('89504e470d0a1a0a', 'hex');

/** Width and height from a PNG's IHDR, after checking the signature and every chunk's CRC. */
function pngSize(bytes: Buffer, what: string): { width: number; height: number } {
  assert.ok(bytes.subarray(0, 8).equals(PNG_SIGNATURE), `${what}: not a PNG`);
  let offset = 8;
  let type = '';
  while (offset < bytes.length && type !== 'IEND') {
    const length = bytes.readUInt32BE(offset);
    type = bytes.toString('latin1', offset + 4, offset + 8);
    const body = bytes.subarray(offset + 4, offset + 8 + length);
    assert.equal(bytes.readUInt32BE(offset + 8 + length), crc32(body), `${what}: ${type} CRC`);
    offset += 12 + length;
  }
  assert.equal(type, 'IEND', `${what}: no IEND chunk`);
  assert.equal(bytes.toString('latin1', 12, 16), 'IHDR', `${what}: IHDR is not first`);
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

interface IcoEntry {
  width: number;
  height: number;
  bitCount: number;
  bytes: Buffer;
}

/** ICONDIR (6 bytes) and its ICONDIRENTRYs (16 bytes each); a width or height byte 0 is 256. */
function parseIco(ico: Buffer): IcoEntry[] {
  assert.ok(ico.length >= 6, 'the .ico is shorter than its header');
  assert.equal(ico.readUInt16LE(0), 0, 'ICONDIR reserved word');
  assert.equal(ico.readUInt16LE(2), 1, 'ICONDIR type (1 = icon)');
  const count = ico.readUInt16LE(4);
  assert.ok(ico.length >= 6 + 16 * count, 'the .ico is shorter than its directory');
  return Array.from({ length: count }, (_, i) => {
    const entry = 6 + 16 * i;
    const size = ico.readUInt32LE(entry + 8);
    const offset = ico.readUInt32LE(entry + 12);
    assert.ok(offset + size <= ico.length, `entry ${i} runs past the end of the file`);
    return {
      width: ico.readUInt8(entry) || 256,
      height: ico.readUInt8(entry + 1) || 256,
      bitCount: ico.readUInt16LE(entry + 6),
      bytes: ico.subarray(offset, offset + size),
    };
  });
}

/** The image behind an entry: a PNG, or a BMP (BITMAPINFOHEADER, height doubled for the mask). */
function imageSize({ bytes }: IcoEntry, what: string): number {
  if (bytes.subarray(0, 8).equals(PNG_SIGNATURE)) {
    const { width, height } = pngSize(bytes, what);
    assert.equal(width, height, `${what}: not square`);
    return width;
  }
  assert.equal(bytes.readUInt32LE(0), 40, `${what}: neither PNG nor BITMAPINFOHEADER`);
  const width = bytes.readInt32LE(4);
  assert.equal(bytes.readInt32LE(8), 2 * width, `${what}: BMP height is not twice the width`);
  return width;
}

test('icon.ico holds 16, 24, 32, 48, 64, 128 and 256 px images, each the size it claims', () => {
  const file = stringAt(config, 'win', 'icon');
  const entries = parseIco(readFileSync(rel(file)));
  assert.deepEqual(
    entries.map((e) => e.width).sort((a, b) => a - b),
    [16, 24, 32, 48, 64, 128, 256],
  );
  for (const entry of entries) {
    const what = `${file} ${entry.width}px`;
    assert.equal(entry.height, entry.width, `${what}: not square`);
    assert.equal(entry.bitCount, 32, `${what}: not 32-bit`);
    assert.equal(imageSize(entry, what), entry.width, `${what}: image size differs from header`);
  }
});

test('the PNGs are sound: the Linux icon is 512 px, tray icons 16 px and 32 px @2x', () => {
  assert.deepEqual(pngSize(readFileSync(rel(stringAt(config, 'linux', 'icon'))), 'linux icon'), {
    width: 512,
    height: 512,
  });
  for (const name of Object.values(TRAY_ICONS)) {
    const at2x = name.replace(/\.png$/, '@2x.png');
    assert.equal(pngSize(readFileSync(rel(`assets/${name}`)), name).width, 16);
    assert.equal(pngSize(readFileSync(rel(`assets/${at2x}`)), at2x).width, 32);
  }
});

// ── Shipped config ──────────────────────────────────────────────────────────────────────────

test('the shipped config files are the ones first run copies, and they are valid', () => {
  const shipped = extraResources();
  assert.deepEqual(
    shipped.map((entry) => entry.to).sort(),
    SHIPPED_CONFIG_FILES.map((name) => `config/${name}`).sort(),
    'extraResources and first-run.ts list the same files under resources/config/',
  );
  const text = (name: string): string => {
    const entry = shipped.find((e) => path.basename(e.to) === name);
    assert.ok(entry, `${name} is not shipped`);
    return readFileSync(rel(entry.from), 'utf8');
  };
  const agentConfig = parseConfig(JSON.parse(text('tapi-messenger.json')), 'tapi-messenger.json');
  assert.ok(
    !agentConfig.server.allowedOrigins.includes('*'),
    'the shipped config names the APEX origin instead of allowing every page',
  );
  const directory = parseDirectoryFile(text('directory.example.json'));
  assert.ok(directory.users.size > 0, 'the example directory shows a user');
});

// ── NSIS include ────────────────────────────────────────────────────────────────────────────

const nsh = (): string => readFileSync(rel(stringAt(config, 'nsis', 'include')), 'utf8');
const define = (text: string, name: string): string | undefined =>
  new RegExp(`^!define ${name} "([^"]*)"`, 'm').exec(text)?.[1];

test('the NSIS include opens the STOMP port, starts the agent at login, and undoes both', () => {
  const text = nsh();
  const shippedPort = JSON.parse(
    readFileSync(rel('assets/config/tapi-messenger.json'), 'utf8'),
  ) as {
    server: { port: number };
  };
  assert.equal(define(text, 'TM_STOMP_PORT'), String(shippedPort.server.port));
  assert.equal(
    define(text, 'TM_CONFIG_FOLDER'),
    path.win32.basename(programDataConfigDir({ ProgramData: 'C:\\ProgramData' }, 'win32')),
  );
  const install = /!macro customInstall\n([\s\S]*?)!macroend/.exec(text)?.[1] ?? '';
  const uninstall = /!macro customUnInstall\n([\s\S]*?)!macroend/.exec(text)?.[1] ?? '';
  assert.match(
    install,
    /netsh advfirewall firewall add rule .*dir=in .*protocol=TCP localport=\$\{TM_STOMP_PORT\}/,
  );
  assert.match(install, /WriteRegStr HKLM "\$\{TM_RUN_KEY\}" .*--hidden/);
  assert.match(uninstall, /netsh advfirewall firewall delete rule name="\$\{TM_FIREWALL_RULE\}"/);
  assert.match(uninstall, /DeleteRegValue HKLM "\$\{TM_RUN_KEY\}" "\$\{TM_RUN_VALUE\}"/);
  assert.equal(define(text, 'TM_RUN_KEY'), 'Software\\Microsoft\\Windows\\CurrentVersion\\Run');
});

/** What electron-builder's template provides to the include, stubbed for a compile check. */
const HARNESS = (include: string): string => `Unicode true
!include LogicLib.nsh
!define APP_EXECUTABLE_FILENAME "Tapi Messenger.exe"
!macro _isUpdated _a _b _t _f
  IfFileExists "$EXEDIR\\updated.flag" \`\${_t}\` \`\${_f}\`
!macroend
!define isUpdated \`"" isUpdated ""\`
!include "${include}"
OutFile "harness.exe"
RequestExecutionLevel admin
Section "Install"
  !insertmacro customInstall
  WriteUninstaller "$INSTDIR\\uninstall.exe"
SectionEnd
Section "Uninstall"
  !insertmacro customUnInstall
SectionEnd
`;

const makensis = spawnSync('makensis', ['-VERSION'], { encoding: 'utf8' });

test(
  'the NSIS include compiles (makensis, with electron-builder’s defines stubbed)',
  { skip: makensis.status === 0 ? false : 'makensis is not installed (apt-get install nsis)' },
  async (t) => {
    const dir = await tempDir(t, 'tm-nsis');
    writeFileSync(path.join(dir, 'harness.nsi'), HARNESS(rel(stringAt(config, 'nsis', 'include'))));
    const run = spawnSync('makensis', ['-V2', '-WX', 'harness.nsi'], {
      cwd: dir,
      encoding: 'utf8',
    });
    assert.equal(run.status, 0, `makensis failed:\n${run.stdout}${run.stderr}`);
  },
);
