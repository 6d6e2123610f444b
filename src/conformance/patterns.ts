/**
 * Matching R-APDUs the way certification scripts write them: hex patterns
 * with X for "any nibble" (status word masks like 61XX, data like
 * 77XX9F2701XX), a trailing '*' for "any rest", TLV lookups by tag path
 * (77/9F36) and ${name} variables captured from earlier answers.
 */
import type { Bytes } from '../apdu/index.js';
import { findPath, findTag } from '../apdu/index.js';
import { tryDecodeTlv } from '../apdu/index.js';

/** Normalises a pattern: upper case, no spaces. */
export function normalisePattern(pattern: string): string {
  return pattern.replace(/\s/g, '').toUpperCase();
}

/** True when `hex` matches `pattern` (X = any nibble; a trailing '*' = any rest, including none). */
export function hexMatches(pattern: string, hex: string): boolean {
  const p = normalisePattern(pattern);
  const h = hex.toUpperCase();
  const open = p.endsWith('*');
  const body = open ? p.slice(0, -1) : p;
  if (open ? h.length < body.length : h.length !== body.length) return false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== 'X' && c !== h[i]) return false;
  }
  return true;
}

/** The first nibble position where the value departs from the pattern (for the failure message). */
export function firstDifference(pattern: string, hex: string): number {
  const p = normalisePattern(pattern).replace(/\*$/, '');
  for (let i = 0; i < Math.max(p.length, hex.length); i++) {
    if (i >= p.length || i >= hex.length) return i;
    if (p[i] !== 'X' && p[i] !== hex[i]!.toUpperCase()) return i;
  }
  return -1;
}

/** Looks up a tag or a tag path ('77/9F36') in response data; the tag anywhere when given alone. */
export function tlvLookup(data: Bytes, path: string): Bytes | undefined {
  const list = tryDecodeTlv(data);
  if (!list) return undefined;
  const parts = path.toUpperCase().split('/');
  if (parts.length > 1) return findPath(list, parts)?.value;
  return findTag(list, parts[0]!)?.value;
}

/** Replaces ${name} by the variable's hex value. */
export function substitute(template: string, variables: Readonly<Record<string, string>>): string {
  return template.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    const v = variables[name];
    if (v === undefined) throw new RangeError(`variable \${${name}} is not defined`);
    return v;
  });
}
