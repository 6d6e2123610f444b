/**
 * Where the documents that ship with emvsim live (scripts/ under the package
 * root), how a name or a path given by the user becomes a file, and the one
 * function that reads a document's text (so a cache of shipped documents
 * has a single place to sit).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EnvironmentError } from '../apdu/index.js';
import { packageRoot } from '../platform/index.js';
import { parseYamlSource, type YamlSource } from './yaml.js';

/** Kinds of shipped document and their folder under scripts/. */
export const SHIPPED_FOLDERS = {
  card: 'cards',
  terminal: 'terminals',
  liability: 'liability',
  capk: 'capk',
  issuer: 'issuer',
  keys: 'keys',
  conformance: 'conformance',
} as const;

export type ShippedKind = keyof typeof SHIPPED_FOLDERS;

const EXTENSION: Record<ShippedKind, string> = {
  card: '.yaml',
  terminal: '.yaml',
  liability: '.yaml',
  capk: '.json',
  issuer: '.yaml',
  keys: '.yaml',
  conformance: '.yaml',
};

/** The package root (the folder holding scripts/): package-root.ts finds it. */
export const projectRoot: () => string = packageRoot;

/** scripts/<folder> of one kind of shipped document. */
export function shippedDirectory(kind: ShippedKind): string {
  return join(projectRoot(), 'scripts', SHIPPED_FOLDERS[kind]);
}

/** Names (without extension) of the shipped documents of one kind, sorted. */
export function listShipped(kind: ShippedKind): string[] {
  const ext = EXTENSION[kind];
  return readdirSync(shippedDirectory(kind))
    .filter((f) => f.endsWith(ext))
    .map((f) => f.slice(0, -ext.length))
    .sort();
}

/** True when the reference is a path (has a separator or a file extension), not a shipped name. */
export function isPathReference(nameOrPath: string): boolean {
  return /[/\\]/.test(nameOrPath) || /\.(ya?ml|json)$/.test(nameOrPath);
}

/**
 * The file a reference names: a shipped name (scripts/<kind>/NAME.ext) or a path, made
 * absolute relative to `relativeTo` (default: the current directory).
 */
export function documentPath(kind: ShippedKind, nameOrPath: string, relativeTo?: string): string {
  if (isPathReference(nameOrPath)) return resolve(relativeTo ?? process.cwd(), nameOrPath);
  return join(shippedDirectory(kind), `${nameOrPath}${EXTENSION[kind]}`);
}

/**
 * Reads a document's text. The one place documents are read from disk (shipped or the
 * user's): a cache of shipped documents belongs here. A file that cannot be read is the
 * environment, not the content (exit 3): an EnvironmentError naming the path and the errno;
 * loaders that look a *name* up check existence first and report an unknown name as bad input.
 * `what` says what was expected ("terminal profile").
 */
export function readDocumentText(file: string, what = 'document'): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    const hint = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a folder, not a file' : code === 'EACCES' ? 'permission denied' : 'check the path';
    throw new EnvironmentError(`cannot read the ${what} ${file}: ${code} (${hint})`);
  }
}

/**
 * Reads and parses a YAML document: the one obvious place where a cache of parsed shipped
 * documents can sit (callers treat `value` as read-only).
 */
export function readYamlDocument(file: string, what = 'document'): YamlSource {
  return parseYamlSource(readDocumentText(file, what), file);
}
