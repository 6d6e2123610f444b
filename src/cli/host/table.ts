/**
 * Fixed-width text tables for the `emvsim host` commands. The header and every
 * row are laid out from ONE column list, so a title can never drift from its
 * values (the old hand-spaced header of `host card list` was one column off).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { EnvironmentError } from '../../apdu/errors.js';
export interface Column<T> {
  title: string;
  width: number;
  /** Numbers read best right-aligned; text left-aligned (the default). */
  align?: 'left' | 'right';
  value: (row: T) => string;
}

const SEPARATOR = '  ';

function cell(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  return align === 'right' ? text.padStart(width) : text.padEnd(width);
}

/** The header line and one line per row, columns separated by two spaces, trailing blanks trimmed. */
export function formatTable<T>(columns: readonly Column<T>[], rows: readonly T[]): string[] {
  const line = (cells: string[]) => cells.map((c, i) => cell(c, columns[i]!.width, columns[i]!.align)).join(SEPARATOR).trimEnd();
  return [line(columns.map((c) => c.title)), ...rows.map((r) => line(columns.map((c) => c.value(r))))];
}

/** The --db of host card / host ledger must exist (EnvironmentError, exit 3): only `emvsim host` creates one. */
export function requireDatabase(path: string): string {
  if (!existsSync(path)) {
    throw new EnvironmentError(`${resolve(path)}: no such issuer database; give the --db that \`emvsim host\` uses (it creates and seeds a new one)`);
  }
  return path;
}
