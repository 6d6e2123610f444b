/**
 * Runs a card-side script (certification-style card testing): after a cold
 * reset, each C-APDU is sent as written (raw: a T=0 card's 61XX is the
 * script's to answer with GET RESPONSE, ISO 7816-4 §5.3.4) and its R-APDU
 * checked: status word patterns (9000, 61XX, a list of accepted ones), the
 * data as a hex pattern, TLV objects present, absent or matching, the data
 * length. Values captured from an answer (the ATC, a challenge, a status
 * word) fill ${name} in later commands. Against the emulated card or a real
 * card through a CardTransport (--reader).
 */
import { type Bytes, fromHex, toHex } from '../apdu/index.js';
import { formatTrace } from '../apdu/index.js';
import { TracingTransport } from '../apdu/index.js';
import type { CardTransport } from '../apdu/index.js';
import { firstDifference, hexMatches, normalisePattern, substitute, tlvLookup } from './patterns.js';
import { errorText, resultOf } from './scenario-run.js';
import { buildCard } from './setup.js';
import type { CardScript, CaseResult, Mismatch, ScriptStep } from './types.js';

function checkStep(step: ScriptStep, label: string, data: Bytes, sw: string): Mismatch[] {
  const e = step.expect;
  const out: Mismatch[] = [];
  // Without an explicit expectation a command must succeed (9000 or a 61XX/9FXX "more data" answer).
  const accepted = e?.sw === undefined ? ['9000', '61XX', '9FXX'] : Array.isArray(e.sw) ? e.sw : [e.sw];
  if (!accepted.some((p) => hexMatches(p, sw))) out.push({ field: `${label} sw`, expected: accepted.map(normalisePattern).join(' or '), actual: sw });
  if (e?.length !== undefined && data.length !== e.length) out.push({ field: `${label} length`, expected: String(e.length), actual: String(data.length) });
  if (e?.data !== undefined) {
    const hex = toHex(data);
    if (!hexMatches(e.data, hex)) {
      const at = firstDifference(e.data, hex);
      out.push({ field: `${label} data`, expected: normalisePattern(e.data), actual: hex || '(empty)', detail: at >= 0 ? [`first difference at byte ${Math.floor(at / 2)}`] : [] });
    }
  }
  for (const [tag, want] of Object.entries(e?.tlv ?? {})) {
    const value = tlvLookup(data, tag);
    const actual = value === undefined ? 'absent' : toHex(value);
    const ok = want === 'present' ? value !== undefined : want === 'absent' ? value === undefined : value !== undefined && hexMatches(want, actual);
    if (!ok) out.push({ field: `${label} tlv ${tag.toUpperCase()}`, expected: want === 'present' || want === 'absent' ? want : normalisePattern(want), actual });
  }
  return out;
}

function capture(step: ScriptStep, data: Bytes, sw: string, variables: Record<string, string>, label: string): Mismatch[] {
  const out: Mismatch[] = [];
  for (const [name, c] of Object.entries(step.capture ?? {})) {
    let value: string | undefined;
    if (c.sw) value = sw;
    else if (c.tlv !== undefined) {
      const v = tlvLookup(data, c.tlv);
      value = v === undefined ? undefined : toHex(v);
    } else if (c.offset !== undefined) {
      const end = c.length !== undefined ? c.offset + c.length : data.length;
      value = end <= data.length ? toHex(data.subarray(c.offset, end)) : undefined;
    }
    if (value === undefined) out.push({ field: `${label} capture ${name}`, expected: c.tlv !== undefined ? `tag ${c.tlv} in the answer` : `bytes ${c.offset}..${(c.offset ?? 0) + (c.length ?? 0) - 1}`, actual: `not in ${toHex(data) || '(empty)'}` });
    else variables[name] = value;
  }
  return out;
}

/**
 * Runs the script. `transport`: a real card (the script's `card` is then
 * ignored); the caller owns and closes it. Without one, a fresh emulated card.
 */
export async function runCardScript(script: CardScript, transport?: CardTransport): Promise<CaseResult> {
  const started = performance.now();
  const own = transport === undefined;
  let tracing: TracingTransport | undefined;
  const mismatches: Mismatch[] = [];
  const variables: Record<string, string> = { ...script.variables };
  const actual: string[] = [];
  try {
    const inner = transport ?? buildCard(script.card);
    tracing = new TracingTransport(inner, { clock: () => new Date(0) });
    await tracing.coldReset();
    for (let i = 0; i < script.steps.length; i++) {
      const step = script.steps[i]!;
      const label = `steps[${i}]${step.name ? ` (${step.name})` : ''}`;
      if (step.reset === 'cold') await tracing.coldReset();
      if (step.reset === 'warm') await tracing.warmReset();
      const command = fromHex(substitute(step.command, variables).replace(/\s/g, ''));
      const response = await tracing.transmit(command);
      const data = response.subarray(0, response.length - 2);
      const sw = toHex(response.subarray(response.length - 2));
      actual.push(`${label}: ${sw}${data.length > 0 ? ` ${toHex(data)}` : ''}`);
      mismatches.push(...checkStep(step, label, data, sw), ...capture(step, data, sw, variables, label));
    }
    if (own) await inner.close();
    return resultOf(script, started, mismatches, script.xfail, {
      actual: [...actual, ...(Object.keys(variables).length > 0 ? [`variables: ${Object.entries(variables).map(([k, v]) => `${k}=${v}`).join(' ')}`] : [])],
      ...(mismatches.length > 0 ? { trace: formatTrace(tracing.records) } : {}),
    });
  } catch (err) {
    return resultOf(script, started, mismatches, script.xfail, { error: errorText(err), actual, ...(tracing ? { trace: formatTrace(tracing.records) } : {}) });
  }
}
