import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { deflateSync } from 'node:zlib';

/**
 * Draws the app's icons and writes them to `assets/` (`npm run icons`). This file is the one
 * source of every icon: a blue rounded square with a white speech bubble holding a telephone
 * handset; below 32 px, the bubble left out and the handset white and bigger. The tray icons
 * are that small glyph with a status dot (green connected, amber connecting, red down).
 *
 * Shapes are inside/outside tests in a unit square; each pixel averages SUPERSAMPLE²
 * samples, which is the antialiasing. PNG and ICO are encoded here, with no dependencies.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Samples per pixel along each axis. */
const SUPERSAMPLE = 8;
/** Sizes in the `.ico`: Windows picks one per context (taskbar, Explorer views, shortcuts). */
const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256] as const;
/** The PNG for Linux and docs. */
const APP_PNG_SIZE = 512;
/** Tray icons: 16 px at 100 % scaling, `@2x` 32 px at 200 % (Electron picks by DPI). */
const TRAY_SIZE = 16;
/** Below this size the speech bubble blurs into the tile: the icon is the handset alone. */
const SMALL_BELOW = 32;

type Rgba = readonly [number, number, number, number];
type Inside = (x: number, y: number) => boolean;

/** A layer: where it is, and its colour there (opaque colours; later layers on top). */
interface Layer {
  inside: Inside;
  color: (x: number, y: number) => Rgba;
}

type TrayState = 'connected' | 'connecting' | 'down';

const BLUE_TOP: Rgba = [47, 128, 237, 255];
const BLUE_BOTTOM: Rgba = [21, 76, 178, 255];
const WHITE: Rgba = [255, 255, 255, 255];
const STATUS_COLOURS: Readonly<Record<TrayState, Rgba>> = {
  connected: [34, 197, 94, 255],
  connecting: [245, 158, 11, 255],
  down: [239, 68, 68, 255],
};

// ── Shapes ────────────────────────────────────────────────────────────────────────────────

function roundedRect(x0: number, y0: number, x1: number, y1: number, r: number): Inside {
  return (x, y) => {
    if (x < x0 || x > x1 || y < y0 || y > y1) return false;
    const dx = Math.max(x0 + r - x, 0, x - (x1 - r));
    const dy = Math.max(y0 + r - y, 0, y - (y1 - r));
    return dx * dx + dy * dy <= r * r;
  };
}

function circle(cx: number, cy: number, r: number): Inside {
  return (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

/** A thick segment with round ends. */
function capsule(ax: number, ay: number, bx: number, by: number, width: number): Inside {
  const lengthSq = (bx - ax) ** 2 + (by - ay) ** 2;
  return (x, y) => {
    const t = Math.min(1, Math.max(0, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / lengthSq));
    return (x - ax - t * (bx - ax)) ** 2 + (y - ay - t * (by - ay)) ** 2 <= (width / 2) ** 2;
  };
}

function triangle(points: readonly [number, number][]): Inside {
  const [a, b, c] = points as [[number, number], [number, number], [number, number]];
  const side = (p: [number, number], q: [number, number], x: number, y: number): number =>
    (q[0] - p[0]) * (y - p[1]) - (q[1] - p[1]) * (x - p[0]);
  return (x, y) => {
    const s1 = side(a, b, x, y);
    const s2 = side(b, c, x, y);
    const s3 = side(c, a, x, y);
    return (s1 >= 0 && s2 >= 0 && s3 >= 0) || (s1 <= 0 && s2 <= 0 && s3 <= 0);
  };
}

const union =
  (...shapes: Inside[]): Inside =>
  (x, y) =>
    shapes.some((inside) => inside(x, y));

const minus =
  (shape: Inside, hole: Inside): Inside =>
  (x, y) =>
    shape(x, y) && !hole(x, y);

/** Maps a shape drawn in a unit square into the box [x0, x0 + size]². */
function placed(shape: Inside, x0: number, y0: number, size: number): Inside {
  return (x, y) => shape((x - x0) / size, (y - y0) / size);
}

/**
 * A telephone handset in its unit box: a quarter arc around the top-right corner, earpiece
 * top left, mouthpiece bottom right, both cups turned inwards.
 */
function handset(): Inside {
  const cx = 0.86;
  const cy = 0.14;
  const r = 0.64;
  const at = (radius: number, degrees: number): [number, number] => {
    const a = (degrees * Math.PI) / 180;
    return [cx + radius * Math.cos(a), cy + radius * Math.sin(a)];
  };
  const arc: Inside = (x, y) => {
    const distance = Math.hypot(x - cx, y - cy);
    const degrees = (Math.atan2(y - cy, x - cx) * 180) / Math.PI;
    return Math.abs(distance - r) <= 0.07 && degrees >= 110 && degrees <= 160;
  };
  const cup = (from: number, to: number): Inside =>
    capsule(...at(r - 0.05, from), ...at(r - 0.05, to), 0.28);
  return union(arc, cup(150, 174), cup(96, 120));
}

// ── Scenes ────────────────────────────────────────────────────────────────────────────────

function gradient(top: Rgba, bottom: Rgba): (x: number, y: number) => Rgba {
  return (_x, y) => {
    const t = Math.min(1, Math.max(0, y));
    const mix = (i: 0 | 1 | 2 | 3): number => Math.round(top[i] + (bottom[i] - top[i]) * t);
    return [mix(0), mix(1), mix(2), mix(3)];
  };
}

const solid =
  (colour: Rgba): Layer['color'] =>
  () =>
    colour;

/** The glyph every icon shares: tile, bubble, handset. */
function glyph(): Layer[] {
  const tile = roundedRect(0.04, 0.04, 0.96, 0.96, 0.2);
  const bubble = union(
    roundedRect(0.16, 0.17, 0.84, 0.73, 0.2),
    triangle([
      [0.24, 0.6],
      [0.44, 0.7],
      [0.2, 0.85],
    ]),
  );
  const blue = gradient(BLUE_TOP, BLUE_BOTTOM);
  return [
    { inside: tile, color: blue },
    { inside: bubble, color: solid(WHITE) },
    { inside: placed(handset(), 0.245, 0.205, 0.48), color: blue },
  ];
}

/** The small-size glyph: no bubble, a bigger white handset (the bubble blurs below 32 px). */
function smallGlyph(): Layer[] {
  return [
    { inside: roundedRect(0.02, 0.02, 0.98, 0.98, 0.2), color: gradient(BLUE_TOP, BLUE_BOTTOM) },
    { inside: placed(handset(), 0.1, 0.12, 0.8), color: solid(WHITE) },
  ];
}

/**
 * The tray icon: the small glyph with a status dot in the top-right corner (the space the
 * handset leaves free), cut out of the tile by a transparent gap so it reads on any taskbar.
 */
function trayScene(state: TrayState): Layer[] {
  const dot = circle(0.76, 0.24, 0.22);
  const gap = circle(0.76, 0.24, 0.3);
  return [
    ...smallGlyph().map((layer) => ({ ...layer, inside: minus(layer.inside, gap) })),
    { inside: dot, color: solid(STATUS_COLOURS[state]) },
  ];
}

/** The app icon at a size: the bubble from 32 px up, the small glyph below. */
function appScene(size: number): Layer[] {
  return size < SMALL_BELOW ? smallGlyph() : glyph();
}

// ── Raster ────────────────────────────────────────────────────────────────────────────────

/** Renders layers to straight (not premultiplied) RGBA, row by row from the top. */
function render(layers: readonly Layer[], size: number): Buffer {
  const pixels = Buffer.alloc(size * size * 4);
  const samples = SUPERSAMPLE * SUPERSAMPLE;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let [red, green, blue, alphaSum] = [0, 0, 0, 0];
      for (let s = 0; s < samples; s++) {
        const x = (px + ((s % SUPERSAMPLE) + 0.5) / SUPERSAMPLE) / size;
        const y = (py + (Math.floor(s / SUPERSAMPLE) + 0.5) / SUPERSAMPLE) / size;
        const top = layers.findLast((layer) => layer.inside(x, y));
        if (!top) continue;
        const [r, g, b, a] = top.color(x, y);
        red += (r * a) / 255;
        green += (g * a) / 255;
        blue += (b * a) / 255;
        alphaSum += a;
      }
      const alpha = alphaSum / samples;
      const offset = (py * size + px) * 4;
      const straight = (premultiplied: number): number =>
        alpha === 0 ? 0 : Math.round(((premultiplied / samples) * 255) / alpha);
      pixels[offset] = straight(red);
      pixels[offset + 1] = straight(green);
      pixels[offset + 2] = straight(blue);
      pixels[offset + 3] = Math.round(alpha);
    }
  }
  return pixels;
}

// ── PNG ───────────────────────────────────────────────────────────────────────────────────

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC-32 (ISO 3309, as PNG chunks use it). */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = (CRC_TABLE[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** An 8-bit RGBA PNG; every row unfiltered (filter byte 0). */
export function encodePng(rgba: Buffer, size: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // bit depth 8, colour type 6 (RGBA), deflate, no interlace
  const stride = size * 4;
  const raw = Buffer.alloc((stride + 1) * size);
  for (let y = 0; y < size; y++) rgba.copy(raw, y * (stride + 1) + 1, y * stride, (y + 1) * stride);
  return Buffer.concat([
    PNG_SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ── ICO ───────────────────────────────────────────────────────────────────────────────────

/**
 * A 32-bit BMP icon image: BITMAPINFOHEADER (height doubled for the mask), BGRA rows bottom
 * up, then the 1-bit AND mask (set where fully transparent, for renderers that ignore alpha).
 */
function encodeIconBmp(rgba: Buffer, size: number): Buffer {
  const maskStride = Math.ceil(size / 32) * 4;
  const header = Buffer.alloc(40);
  header.writeUInt32LE(40, 0);
  header.writeInt32LE(size, 4);
  header.writeInt32LE(size * 2, 8);
  header.writeUInt16LE(1, 12); // planes
  header.writeUInt16LE(32, 14); // bits per pixel
  header.writeUInt32LE(size * size * 4 + maskStride * size, 20);
  const pixels = Buffer.alloc(size * size * 4);
  const mask = Buffer.alloc(maskStride * size);
  for (let y = 0; y < size; y++) {
    const row = size - 1 - y;
    for (let x = 0; x < size; x++) {
      const from = (y * size + x) * 4;
      const to = (row * size + x) * 4;
      const [r, g, b, a] = rgba.subarray(from, from + 4);
      pixels.set([b ?? 0, g ?? 0, r ?? 0, a ?? 0], to);
      const maskByte = row * maskStride + (x >> 3);
      if (a === 0) mask.writeUInt8(mask.readUInt8(maskByte) | (0x80 >> (x & 7)), maskByte);
    }
  }
  return Buffer.concat([header, pixels, mask]);
}

/** An `.ico`: BMP images below 256 px (every Windows tool reads them), PNG at 256 px. */
export function encodeIco(images: readonly { size: number; rgba: Buffer }[]): Buffer {
  const dir = Buffer.alloc(6 + 16 * images.length);
  dir.writeUInt16LE(0, 0);
  dir.writeUInt16LE(1, 2); // type: icon
  dir.writeUInt16LE(images.length, 4);
  const bodies = images.map(({ size, rgba }) => ({
    size,
    body: size >= 256 ? encodePng(rgba, size) : encodeIconBmp(rgba, size),
  }));
  let offset = dir.length;
  bodies.forEach(({ size, body }, i) => {
    const entry = 6 + 16 * i;
    dir.writeUInt8(size >= 256 ? 0 : size, entry); // 0 means 256
    dir.writeUInt8(size >= 256 ? 0 : size, entry + 1);
    dir.writeUInt16LE(1, entry + 4); // planes
    dir.writeUInt16LE(32, entry + 6); // bits per pixel
    dir.writeUInt32LE(body.length, entry + 8);
    dir.writeUInt32LE(offset, entry + 12);
    offset += body.length;
  });
  return Buffer.concat([dir, ...bodies.map(({ body }) => body)]);
}

// ── Output ────────────────────────────────────────────────────────────────────────────────

/** Every icon file, by name in `assets/`. */
export function iconFiles(): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  files.set('icon.png', encodePng(render(appScene(APP_PNG_SIZE), APP_PNG_SIZE), APP_PNG_SIZE));
  const frames = ICO_SIZES.map((size) => ({ size, rgba: render(appScene(size), size) }));
  files.set('icon.ico', encodeIco(frames));
  for (const state of Object.keys(STATUS_COLOURS) as TrayState[]) {
    const scene = trayScene(state);
    files.set(`tray-${state}.png`, encodePng(render(scene, TRAY_SIZE), TRAY_SIZE));
    files.set(`tray-${state}@2x.png`, encodePng(render(scene, TRAY_SIZE * 2), TRAY_SIZE * 2));
  }
  return files;
}

export async function writeIcons(outDir = path.join(root, 'assets')): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const written: string[] = [];
  for (const [name, bytes] of iconFiles()) {
    const file = path.join(outDir, name);
    await writeFile(file, bytes);
    written.push(`${path.relative(root, file)} (${bytes.length} bytes)`);
  }
  return written;
}

const isMain =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const written = await writeIcons(process.argv[2]);
  console.log(`icons written:\n  ${written.join('\n  ')}`);
}
