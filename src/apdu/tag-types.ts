/**
 * Shape of an entry in the EMV tag dictionary (EMV 4.4 Book 3 Annex A1 columns:
 * name, source, format, template, tag, length) and the compact row helper the
 * dictionary files use.
 */

/**
 * Data element formats (Book 3 §4.3): n numeric BCD, cn compressed numeric,
 * a alphabetic, an alphanumeric, ans alphanumeric special, b binary; a
 * 'constructed' entry is a template (Annex B1, tag b6 = 1).
 */
export type TagFormat = 'n' | 'cn' | 'a' | 'an' | 'ans' | 'b' | 'constructed';

/** Who provides the data element (Annex A1 "Source" column). */
export type TagSource = 'ICC' | 'terminal' | 'issuer';

export interface TagInfo {
  /** Uppercase hex, e.g. "9F02". */
  tag: string;
  name: string;
  format: TagFormat;
  /** Minimum and maximum length of the value in bytes. */
  minLength: number;
  maxLength: number;
  /** Templates the element appears in (tags), empty when it is not carried in one. */
  templates: string[];
  source: TagSource;
  /** Where the definition comes from when not EMV Book 3 Annex A, e.g. "Visa VCPS", "ISO 7816-4". */
  origin?: string;
  /** For numeric formats: number of digits (n 12 -> 12). */
  digits?: number;
}

/**
 * Builds an entry from a compact row. `templates` is a space-separated list of
 * tags; `format` may carry a digit count ("n12", "n3").
 */
export function entry(
  tag: string,
  name: string,
  format: string,
  minLength: number,
  maxLength: number,
  templates: string,
  source: TagSource,
  origin?: string,
): TagInfo {
  const m = /^(constructed|cn|an|ans|a|n|b)(\d*)$/.exec(format);
  if (!m) throw new Error(`tag dictionary: bad format '${format}' for ${tag}`);
  const info: TagInfo = {
    tag,
    name,
    format: m[1] as TagFormat,
    minLength,
    maxLength,
    templates: templates ? templates.split(' ') : [],
    source,
  };
  if (m[2]) info.digits = Number(m[2]);
  if (origin) info.origin = origin;
  return info;
}
