/**
 * Text rendering of APDU traces for people: one block per exchange with the
 * command name, its parameters, the data decoded as BER-TLV when it parses
 * (EMV Book 3 Annex B) with tag names and values from pretty.ts, the GENERATE AC
 * cryptogram type, and the status word meaning.
 */
import { type Bytes, toAscii, toHex } from './bytes.js';
import { decodeResponse } from './command.js';
import { describeCid } from './command-names.js';
import { type Tlv, decodeTlv, findTag } from './tlv.js';
import { formatTlvTree } from './pretty.js';
import { isPrintable } from './pretty-values.js';
import { type TraceRecord, UNRECORDED_TIME, parseMaskedHex } from './trace.js';

/** Decodes `data` as BER-TLV; undefined when it does not parse in full. */
export function tryDecodeTlv(data: Bytes): Tlv[] | undefined {
  if (data.length === 0) return undefined;
  try {
    const list = decodeTlv(data);
    return list.length > 0 ? list : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Indented lines of a TLV tree, tag names and decoded values from the EMV pretty-printer (pretty.ts);
 * `aid`: the selected application, for the tags whose meaning depends on the scheme (9F6C, ...).
 */
export function formatTlvLines(list: readonly Tlv[], indent = '', aid?: string): string[] {
  return formatTlvTree(list, '  ', { aid })
    .split('\n')
    .map((line) => indent + line);
}

/** Lines describing a data field: a TLV tree when it parses, else hex (and ASCII when printable). */
export function formatDataLines(data: Bytes, indent: string, aid?: string): string[] {
  const tlv = tryDecodeTlv(data);
  if (tlv) return formatTlvLines(tlv, indent, aid);
  return [`${indent}${toHex(data)}${isPrintable(data) ? ` "${toAscii(data)}"` : ''}`];
}

/** The cryptogram type in a GENERATE AC response (format 1 tag 80 or format 2 tag 77; Book 3 §6.5.5.4). */
export function describeGenerateAcResponse(data: Bytes): string | undefined {
  const tlv = tryDecodeTlv(data);
  if (!tlv) return undefined;
  const format1 = tlv.find((o) => o.tag === '80');
  const cid = format1 ? format1.value[0] : findTag(tlv, '9F27')?.value[0];
  return cid === undefined ? undefined : describeCid(cid);
}

/** Human-readable text of a trace (records from TracingTransport or parseTraceJsonl). */
export function formatTrace(records: readonly TraceRecord[]): string {
  const blocks: string[] = [];
  // The application selected last (SELECT by DF name), so a record's 9F6C reads as its scheme's.
  let selected: string | undefined;
  for (const r of records) {
    if (r.type === 'reset') {
      selected = undefined;
      blocks.push(`#${r.index} ${r.kind} reset  ATR ${r.atr}  (${r.protocol})`);
      continue;
    }
    const lines: string[] = [];
    const when = r.time === UNRECORDED_TIME ? '' : `${r.time}  `;
    const took = r.time === UNRECORDED_TIME ? '' : `  ${r.durationMs} ms`;
    lines.push(`#${r.index} ${when}${r.name}${r.params ? ` (${r.params})` : ''}${took}`);
    lines.push(`  > ${r.command}`);
    const { bytes, masked } = parseMaskedHex(r.command);
    const data = commandData(bytes);
    if (r.name === 'SELECT' && data && data.length >= 5) selected = toHex(data);
    if (data && data.length > 0) {
      if (masked.some((m) => m)) lines.push(`    data: ${data.length} bytes masked (PIN)`);
      else lines.push(...formatDataLines(data, '    ', selected));
    }
    lines.push(`  < ${r.response}`);
    try {
      const response = decodeResponse(r.response);
      if (response.data.length > 0) lines.push(...formatDataLines(response.data, '    ', selected));
      if (r.name === 'GENERATE AC') {
        const cryptogram = describeGenerateAcResponse(response.data);
        if (cryptogram) lines.push(`    cryptogram: ${cryptogram}`);
      }
    } catch {
      // A response shorter than SW1 SW2 was already described in r.status.
    }
    lines.push(`    ${r.sw} ${r.status}`);
    blocks.push(lines.join('\n'));
  }
  return blocks.join('\n');
}

/** Data field of a short command (Lc at offset 4); undefined for cases 1 and 2 or bad lengths. */
function commandData(command: Bytes): Bytes | undefined {
  if (command.length <= 5) return undefined;
  const lc = command[4]!;
  if (lc !== 0 && (command.length === 5 + lc || command.length === 6 + lc)) return command.subarray(5, 5 + lc);
  return undefined;
}
