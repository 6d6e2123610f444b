/**
 * Key files (scripts/keys/NAME.yaml): a YAML mapping of key name -> hex key,
 * one definition shared by terminal profiles (the PIN pad's PIN encryption
 * key, `onlinePin.keyFile`) and the issuer host (its zone keys). Every error
 * is a DocumentError naming file:line and the key's name.
 */
import { isAbsolute, join, resolve } from 'node:path';
import { type Bytes, fromHex } from '../apdu/index.js';
import { DocumentError } from '../apdu/index.js';
import { checkDocument, keyFileSchema, parseYamlSource, readDocumentText, shippedDirectory, type YamlSource } from '../documents/index.js';

export interface KeyFile {
  /** Absolute path of the file. */
  file: string;
  /** The key named `name`, `lengths` bytes long; throws a DocumentError naming file:line otherwise. */
  key(name: string, lengths: readonly number[]): Bytes;
}

/** scripts/keys/ of the project. */
export function keysDirectory(): string {
  return shippedDirectory('keys');
}

/**
 * Where a key file reference points: a bare name (`test-zone-keys`) is
 * scripts/keys/NAME.yaml; a path is taken relative to `relativeTo` (the
 * directory of the document that names it).
 */
export function keyFilePath(reference: string, relativeTo: string = process.cwd()): string {
  if (/[/\\]/.test(reference) || isAbsolute(reference)) return resolve(relativeTo, reference);
  return join(keysDirectory(), /\.ya?ml$/.test(reference) ? reference : `${reference}.yaml`);
}

export function parseKeyFile(text: string, file: string): KeyFile {
  const src: YamlSource = parseYamlSource(text, file);
  if (src.value === null || typeof src.value !== 'object' || Array.isArray(src.value)) throw src.error([], 'a key file is a mapping of key name to hex');
  checkDocument(src, keyFileSchema);
  const entries = src.value as Record<string, unknown>;
  return {
    file,
    key(name, lengths) {
      const v = entries[name];
      if (v === undefined || v === null) throw src.error([name], `no key '${name}' in this key file (it has ${Object.keys(entries).join(', ') || 'none'})`);
      const hex = String(v).replace(/\s/g, '').toUpperCase();
      if (!/^([0-9A-F]{2})+$/.test(hex)) throw src.error([name], `'${String(v)}' is not hex`);
      if (!lengths.includes(hex.length / 2)) throw src.error([name], `must be ${lengths.join(' or ')} bytes, got ${hex.length / 2}`);
      return fromHex(hex);
    },
  };
}

const cache = new Map<string, KeyFile>();

/** Loads (once per process) a key file by reference; see keyFilePath. */
export function loadKeyFile(reference: string, relativeTo?: string, where: { file?: string; line?: number; field: string } = { field: '(key file)' }): KeyFile {
  const path = keyFilePath(reference, relativeTo);
  const cached = cache.get(path);
  if (cached) return cached;
  let text: string;
  try {
    text = readDocumentText(path, 'key file');
  } catch {
    throw new DocumentError(`cannot read key file ${path}`, where);
  }
  const parsed = parseKeyFile(text, path);
  cache.set(path, parsed);
  return parsed;
}
