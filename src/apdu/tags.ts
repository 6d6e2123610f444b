/**
 * The EMV tag dictionary: lookup by tag (optionally in the context of the
 * enclosing template), and names for tags it does not list, derived from the
 * tag's class bits (EMV Book 3 Annex B1; ISO/IEC 8825-1 §8.1.2): private class
 * tags such as DFxx are proprietary, 9F50..9F7F are reserved for the payment
 * systems.
 */
import { ANNEX_A_TAGS } from './tag-dictionary.js';
import { FCP_TAGS, SCHEME_TAGS } from './tag-dictionary-scheme.js';
import type { TagInfo } from './tag-types.js';

export type { TagFormat, TagInfo, TagSource } from './tag-types.js';

const byTag = new Map<string, TagInfo>();
for (const info of [...ANNEX_A_TAGS, ...SCHEME_TAGS]) {
  if (byTag.has(info.tag)) throw new Error(`tag dictionary: ${info.tag} listed twice`);
  byTag.set(info.tag, info);
}
const fcpByTag = new Map(FCP_TAGS.map((i) => [i.tag, i] as const));

/** Templates whose children use ISO 7816-4 meanings instead of EMV ones. */
const CONTEXT_TABLES: ReadonlyMap<string, ReadonlyMap<string, TagInfo>> = new Map([['62', fcpByTag]]);

/**
 * The dictionary entry for `tag` (hex, any case). With `parentTag`, context
 * specific meanings win: '82' inside an FCP template '62' is the file
 * descriptor, not the Application Interchange Profile.
 */
export function lookupTag(tag: string, parentTag?: string): TagInfo | undefined {
  const key = tag.toUpperCase();
  if (parentTag) {
    const hit = CONTEXT_TABLES.get(parentTag.toUpperCase())?.get(key);
    if (hit) return hit;
  }
  return byTag.get(key);
}

/** Every entry of the main dictionary (Annex A, scheme and ISO tags; not the FCP context table). */
export function allTags(): TagInfo[] {
  return [...byTag.values()];
}

/**
 * A name for any tag: the dictionary name, else a description of the range the
 * tag falls in (Annex B1 class bits), e.g. "proprietary (DF private class)".
 */
export function tagName(tag: string, parentTag?: string): string {
  const info = lookupTag(tag, parentTag);
  if (info) return info.name;
  return unknownTagName(tag.toUpperCase());
}

function unknownTagName(tag: string): string {
  const first = parseInt(tag.slice(0, 2), 16);
  if (Number.isNaN(first)) return 'unknown tag';
  if (tag.length >= 4 && tag.startsWith('DF')) return 'proprietary (DF private class)';
  if (tag.length >= 4 && tag.startsWith('9F')) {
    const second = parseInt(tag.slice(2, 4), 16);
    if (second >= 0x50 && second <= 0x7f) return 'payment system proprietary (9F50-9F7F range)';
    return 'unknown EMV tag (context-specific class)';
  }
  const tagClass = first >> 6; // b8-b7: 00 universal, 01 application, 10 context-specific, 11 private
  const form = first & 0x20 ? 'constructed' : 'primitive';
  switch (tagClass) {
    case 3:
      return `proprietary (private class, ${form})`;
    case 2:
      return `unknown tag (context-specific class, ${form})`;
    case 1:
      return `unknown tag (application class, ${form})`;
    default:
      return `unknown tag (universal class, ${form})`;
  }
}

/**
 * Checks a value against a dictionary entry's format and length (Book 3 Annex A / §4.3 data
 * element formats): 'n' is BCD digits, 'cn' digits then trailing 'F' padding, 'a'/'an'/'ans'
 * printable ASCII (letters, letters+digits, any printable), 'b' any bytes. Returns the reason
 * the value does not fit, or undefined when it does.
 */
export function valueFormatError(info: Pick<TagInfo, 'format' | 'minLength' | 'maxLength'>, value: Uint8Array): string | undefined {
  if (value.length < info.minLength || value.length > info.maxLength) {
    return `length ${value.length} outside ${info.minLength}..${info.maxLength}`;
  }
  const hex = Array.from(value, (b) => b.toString(16).padStart(2, '0')).join('').toUpperCase();
  const text = String.fromCharCode(...value);
  switch (info.format) {
    case 'n':
      return /^[0-9]*$/.test(hex) ? undefined : `'${hex}' is not BCD digits (format n)`;
    case 'cn':
      return /^[0-9]*F*$/.test(hex) ? undefined : `'${hex}' is not digits padded with F (format cn)`;
    case 'a':
      return /^[A-Za-z]*$/.test(text) ? undefined : 'not alphabetic (format a)';
    case 'an':
      return /^[A-Za-z0-9]*$/.test(text) ? undefined : 'not alphanumeric (format an)';
    case 'ans':
      return /^[\x20-\x7e]*$/.test(text) ? undefined : 'not printable ASCII (format ans)';
    default:
      return undefined;
  }
}
