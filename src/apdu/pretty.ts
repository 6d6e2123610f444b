/**
 * EMV-aware pretty-printer for BER-TLV: names every tag from the dictionary,
 * decodes values by their format (Book 3 §4.3) or layout (bitmaps of Annex C,
 * CVM List, AFL, DOLs, Track 2) and prints an indented tree or JSON.
 * Decoding never throws: a value that does not fit its format is shown as
 * hex with the reason.
 */
import { toHex, type Bytes } from './bytes.js';
import { explainAip, explainAuc, explainTsi, explainTvr } from './bitmaps.js';
import { explainCid, explainCvmList, explainCvmResults } from './bitmaps-cvm.js';
import {
  explainAdditionalTerminalCapabilities,
  explainTerminalCapabilities,
  explainTerminalType,
} from './bitmaps-terminal.js';
import {
  aflEntries,
  applicationPriority,
  binaryAmount,
  compressedNumeric,
  countryCode,
  currencyCodes,
  dolEntries,
  formatAmount,
  isoDate,
  isoTime,
  isPrintable,
  languages,
  numericAmount,
  numericDigits,
  tagList,
  text,
  track2Summary,
  type AmountCurrency,
} from './pretty-values.js';
import { lookupTag, tagName } from './tags.js';
import { aidName, schemeOfAid, type TagScheme } from './tags-aids.js';
import { describe9F7C, explain9F66, explain9F6C, explain9F6E } from './bitmaps-contactless.js';
import { explainIssuerApplicationData } from './issuer-application-data.js';
import { flattenTlv, type Tlv } from './tlv.js';

export interface Decoded {
  /** One-line rendering shown after the hex. */
  summary?: string;
  /** Further lines (bitmap bits, CVM rules, AFL entries), shown indented below. */
  details?: string[];
}

/** What the printer knows about the surrounding data (for amounts). */
export interface PrettyContext {
  /** Primitive values of the whole structure, by tag (first occurrence). */
  values?: ReadonlyMap<string, Bytes>;
  /** Tag of the enclosing template (for context-specific tags such as FCP '62'). */
  parentTag?: string;
  /**
   * AID (hex) of the selected application, when the caller knows it (records and GPO answers carry no
   * 4F): when its RID is a TagScheme's, it decides the scheme-specific tags 9F53, 9F66, 9F6C, 9F6E, 9F7C
   * before any 4F/84/9F06 in the data.
   */
  aid?: string;
}

/** Options of formatTlvTree and tlvToJson. */
export interface TlvPrintOptions {
  /** AID (hex) of the selected application (see PrettyContext.aid). */
  aid?: string | undefined;
}

type Decoder = (value: Bytes, ctx: PrettyContext) => Decoded;

const summary = (f: (v: Bytes) => string): Decoder => (v) => ({ summary: f(v) });
const details = (f: (v: Bytes) => string[]): Decoder => (v) => {
  const lines = f(v);
  return lines.length > 0 ? { details: lines } : { summary: 'no bits set' };
};

/** Reads a small numeric data element (5F36, 9F44) from the context. */
function contextNumber(ctx: PrettyContext, tag: string): number | undefined {
  const v = ctx.values?.get(tag);
  if (!v) return undefined;
  try {
    return Number(numericDigits(v));
  } catch {
    return undefined;
  }
}

function contextCurrency(ctx: PrettyContext, codeTag: string, exponentTag: string): AmountCurrency {
  const code = ctx.values?.get(codeTag);
  let digits: string | undefined;
  try {
    digits = code ? numericDigits(code) : undefined;
  } catch {
    digits = undefined;
  }
  return { code: digits, exponent: contextNumber(ctx, exponentTag) };
}

/** Amounts in the transaction currency (5F2A / 5F36). */
const transactionAmount = (binary: boolean): Decoder => (v, ctx) => {
  const currency = contextCurrency(ctx, '5F2A', '5F36');
  return { summary: binary ? binaryAmount(v, currency) : numericAmount(v, currency) };
};
/** Amounts in the application currency (9F42 / 9F44), e.g. card limits. */
const applicationAmount = (binary: boolean): Decoder => (v, ctx) => {
  const currency = contextCurrency(ctx, '9F42', '9F44');
  return { summary: binary ? binaryAmount(v, currency) : numericAmount(v, currency) };
};

const TRANSACTION_TYPES: Record<string, string> = {
  '00': 'goods and services',
  '01': 'cash',
  '09': 'goods and services with cashback',
  '20': 'refund',
  '30': 'balance inquiry',
};

const POS_ENTRY_MODES: Record<string, string> = {
  '01': 'manual key entry',
  '02': 'magnetic stripe, CVV may be unreliable',
  '05': 'integrated circuit card (contact)',
  '07': 'contactless integrated circuit card',
  '80': 'magnetic stripe fallback after chip failure',
  '90': 'magnetic stripe, full track data',
  '91': 'contactless magnetic stripe',
};

/** Terminal-generated Authorisation Response Codes (Book 4 Annex A6 Table 35). */
const RESPONSE_CODES: Record<string, string> = {
  Y1: 'offline approved',
  Z1: 'offline declined',
  Y2: 'approval (after card-initiated referral)',
  Z2: 'decline (after card-initiated referral)',
  Y3: 'unable to go online, offline approved',
  Z3: 'unable to go online, offline declined',
  '00': 'approved',
  '05': 'do not honour',
  '51': 'insufficient funds',
  '55': 'incorrect PIN',
};

const dfName: Decoder = (v) => {
  const name = aidName(toHex(v));
  if (isPrintable(v)) return { summary: text(v) };
  return name ? { summary: name } : {};
};

/**
 * The payment scheme of the application in context: the selected AID's, else that of the RID of 4F / 84 /
 * 9F06 in the data (a selected PPSE or a scheme not in TagScheme says nothing).
 */
function contextScheme(ctx: PrettyContext): TagScheme | undefined {
  const selected = schemeOfAid(ctx.aid);
  if (selected) return selected;
  for (const t of ['4F', '84', '9F06']) {
    const scheme = schemeOfAid(toHex(ctx.values?.get(t)?.subarray(0, 5) ?? new Uint8Array(0)));
    if (scheme) return scheme;
  }
  return undefined;
}

/**
 * 9F53 means two things: Mastercard's Transaction Category Code (an 1, e.g. 'R', M/Chip
 * and EMV Contactless C-2) and VIS's Consecutive Transaction Limit (International), b 1.
 * The AID in context decides; without one, a printable byte is read as the Mastercard code.
 */
const transactionCategoryOrLimit: Decoder = (v, ctx) => {
  const scheme = contextScheme(ctx);
  const limit = `${v[0] ?? 0} (Visa consecutive transaction limit, international)`;
  if (scheme === 'visa' || v.length !== 1) return { summary: limit };
  if (scheme === 'mastercard' || isPrintable(v)) return { summary: `${text(v)} (Mastercard transaction category code)` };
  return { summary: limit };
};

/** Decoders by tag; tags not listed fall back to their dictionary format. */
const BY_TAG: Record<string, Decoder> = {
  '4F': dfName,
  '84': dfName,
  '9F06': dfName,
  '9D': dfName,
  '57': summary(track2Summary),
  '9F6B': summary(track2Summary),
  '5A': summary(compressedNumeric),
  '5F24': summary(isoDate),
  '5F25': summary(isoDate),
  '9A': summary(isoDate),
  '9F21': summary(isoTime),
  '5F2A': summary(currencyCodes),
  '9F42': summary(currencyCodes),
  '9F51': summary(currencyCodes),
  '9F3B': summary(currencyCodes),
  '9F3C': summary(currencyCodes),
  '5F28': summary(countryCode),
  '9F1A': summary(countryCode),
  '9F57': summary(countryCode),
  '5F2D': summary(languages),
  '81': transactionAmount(true),
  '9F02': transactionAmount(false),
  '9F03': transactionAmount(false),
  '9F04': transactionAmount(true),
  '9F1B': transactionAmount(true),
  'DF8123': transactionAmount(false),
  'DF8124': transactionAmount(false),
  'DF8125': transactionAmount(false),
  'DF8126': transactionAmount(false),
  '9F50': applicationAmount(false),
  '9F3A': (v, ctx) => ({ summary: binaryAmount(v, contextCurrency(ctx, '9F3C', '9F3D')) }),
  '88': summary((v) => `${v[0] ?? 0}`),
  '87': summary(applicationPriority),
  '94': details(aflEntries),
  '8C': details(dolEntries),
  '8D': details(dolEntries),
  '97': details(dolEntries),
  '9F38': details(dolEntries),
  '9F49': details(dolEntries),
  '9F53': transactionCategoryOrLimit,
  '9F69': () => ({}), // Visa fDDA data or Mastercard UDOL: ambiguous, left as hex
  '9F10': (v) => {
    const lines = explainIssuerApplicationData(v);
    return lines ? { details: lines } : { summary: 'layout not recognised (not a public Visa or M/Chip format)' };
  },
  '9F66': (v, ctx) => explain9F66(v, contextScheme(ctx)),
  '9F6C': (v, ctx) => explain9F6C(v, contextScheme(ctx)),
  '9F6E': (v, ctx) => {
    const lines = explain9F6E(v, contextScheme(ctx));
    return lines ? { details: lines } : { summary: 'Visa form factor indicator or Mastercard third party data: give the AID (4F/84) to decode' };
  },
  '9F7C': (_v, ctx) => ({ summary: describe9F7C(contextScheme(ctx)) }),
  '9F4A': details(tagList),
  '5C': details(tagList),
  '95': details(explainTvr),
  '9F0D': details(explainTvr),
  '9F0E': details(explainTvr),
  '9F0F': details(explainTvr),
  'DF8120': details(explainTvr),
  'DF8121': details(explainTvr),
  'DF8122': details(explainTvr),
  '9B': details(explainTsi),
  '82': details(explainAip),
  '9F07': details(explainAuc),
  '9F33': details(explainTerminalCapabilities),
  '9F40': details(explainAdditionalTerminalCapabilities),
  '9F35': summary(explainTerminalType),
  '9F27': details(explainCid),
  '9F34': details(explainCvmResults),
  '8E': (v, ctx) => {
    const currency = contextCurrency(ctx, '9F42', '9F44');
    return { details: explainCvmList(v, (units) => formatAmount(BigInt(units), currency)) };
  },
  '9C': summary((v) => {
    const d = numericDigits(v);
    return `${d} (${TRANSACTION_TYPES[d] ?? 'see ISO 8583 processing code'})`;
  }),
  '9F39': summary((v) => {
    const d = numericDigits(v);
    return `${d} (${POS_ENTRY_MODES[d] ?? 'other'})`;
  }),
  '8A': summary((v) => {
    const code = text(v);
    return RESPONSE_CODES[code] ? `${code} (${RESPONSE_CODES[code]})` : code;
  }),
  '9F36': summary((v) => `${parseInt(toHex(v) || '0', 16)}`),
  '9F13': summary((v) => `${parseInt(toHex(v) || '0', 16)}`),
  '9F17': summary((v) => `${v[0] ?? 0} PIN tries left`),
  '9F14': summary((v) => `${v[0] ?? 0}`),
  '9F23': summary((v) => `${v[0] ?? 0}`),
};

/** Decodes by format when no tag-specific decoder exists. */
function byFormat(tag: string, value: Bytes, parentTag?: string): Decoded {
  const info = lookupTag(tag, parentTag);
  if (!info) return {};
  switch (info.format) {
    case 'n':
      return { summary: numericDigits(value) };
    case 'cn':
      return { summary: compressedNumeric(value) };
    case 'a':
    case 'an':
    case 'ans':
      return { summary: text(value) };
    default:
      return {};
  }
}

/** Decodes one primitive value; never throws (errors become the summary). */
export function decodeValue(tag: string, value: Bytes, ctx: PrettyContext = {}): Decoded {
  const decoded = decodeKnownValue(tag, value, ctx);
  const warning = lengthWarning(tag.toUpperCase(), value.length, ctx.parentTag);
  return warning ? { ...decoded, details: [warning, ...(decoded.details ?? [])] } : decoded;
}

/** A value whose length is outside the dictionary's range for its tag (Book 3 Annex A "Length" column). */
function lengthWarning(tag: string, length: number, parentTag?: string): string | undefined {
  const info = lookupTag(tag, parentTag);
  if (!info || info.format === 'constructed' || (length >= info.minLength && length <= info.maxLength)) return undefined;
  const range = info.minLength === info.maxLength ? `${info.minLength}` : `${info.minLength} to ${info.maxLength}`;
  return `warning: length ${length} is outside the ${range} byte(s) the dictionary gives for ${info.tag}`;
}

function decodeKnownValue(tag: string, value: Bytes, ctx: PrettyContext): Decoded {
  const key = tag.toUpperCase();
  if (value.length === 0) return { summary: '(empty)' };
  try {
    // Context-specific tags (ISO 7816-4 FCP) are decoded by their own format only.
    if (ctx.parentTag && lookupTag(key, ctx.parentTag) !== lookupTag(key)) {
      return key === '84' ? dfName(value, ctx) : byFormat(key, value, ctx.parentTag);
    }
    const decoder = BY_TAG[key];
    return decoder ? decoder(value, ctx) : byFormat(key, value);
  } catch (err) {
    return { summary: `cannot decode: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/**
 * Prints a decoded TLV list as an indented tree: one line per object,
 * `TAG name (len): VALUE-HEX  -> decoded`, with bitmap bits and list entries
 * on the following lines, and children of templates indented below them.
 */
export function formatTlvTree(list: readonly Tlv[], indent = '  ', options: TlvPrintOptions = {}): string {
  const ctx: PrettyContext = { values: flattenTlv(list), ...(options.aid !== undefined ? { aid: options.aid } : {}) };
  const lines: string[] = [];
  const walk = (objects: readonly Tlv[], depth: number, parentTag?: string) => {
    const pad = indent.repeat(depth);
    const levelCtx: PrettyContext = parentTag ? { ...ctx, parentTag } : ctx;
    for (const o of objects) {
      const head = `${pad}${o.tag} ${tagName(o.tag, parentTag)} (${o.length})`;
      if (o.children) {
        lines.push(head);
        walk(o.children, depth + 1, o.tag);
        continue;
      }
      const decoded = decodeValue(o.tag, o.value, levelCtx);
      lines.push(`${head}: ${toHex(o.value)}${decoded.summary !== undefined ? `  -> ${decoded.summary}` : ''}`);
      for (const d of decoded.details ?? []) lines.push(`${pad}${indent}${indent}${d}`);
    }
  };
  walk(list, 0);
  return lines.join('\n');
}

/** JSON shape printed by `emvsim tlv decode --json`. */
export interface TlvJson {
  tag: string;
  name: string;
  length: number;
  value: string;
  decoded?: string;
  details?: string[];
  children?: TlvJson[];
}

/** The JSON form of a decoded list (tags and values as uppercase hex). */
export function tlvToJson(list: readonly Tlv[], options: TlvPrintOptions = {}): TlvJson[] {
  const ctx: PrettyContext = { values: flattenTlv(list), ...(options.aid !== undefined ? { aid: options.aid } : {}) };
  const walk = (objects: readonly Tlv[], parentTag?: string): TlvJson[] => {
    const levelCtx: PrettyContext = parentTag ? { ...ctx, parentTag } : ctx;
    return objects.map((o) => {
      const node: TlvJson = { tag: o.tag, name: tagName(o.tag, parentTag), length: o.length, value: toHex(o.value) };
      if (o.children) {
        node.children = walk(o.children, o.tag);
      } else {
        const decoded = decodeValue(o.tag, o.value, levelCtx);
        if (decoded.summary !== undefined) node.decoded = decoded.summary;
        if (decoded.details) node.details = decoded.details;
      }
      return node;
    });
  };
  return walk(list);
}
