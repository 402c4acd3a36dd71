import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from 'js-yaml';

/** The project root (where electron-builder.yml and package.json are). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** electron-builder.yml, parsed the way electron-builder parses it (js-yaml `load`). */
export function loadBuilderConfig(): JsonObject {
  const text = readFileSync(path.join(ROOT, 'electron-builder.yml'), 'utf8');
  const config = load(text) as Json;
  if (!isObject(config)) throw new Error('electron-builder.yml must hold a mapping');
  return config;
}

/** `config.a.b.c`, or undefined when any step is missing. */
export function at(config: JsonObject, ...keys: string[]): Json | undefined {
  let value: Json | undefined = config;
  for (const key of keys) value = isObject(value) ? value[key] : undefined;
  return value;
}

/** A string at `keys`; throws naming the key when it is not one. */
export function stringAt(config: JsonObject, ...keys: string[]): string {
  const value = at(config, ...keys);
  if (typeof value !== 'string') throw new Error(`${keys.join('.')} must be a string`);
  return value;
}
