/**
 * Text and JSON forms of a ContactlessInspection. The PAN is masked by default
 * (first 6 and last 4 digits kept, PCI DSS 3.4 style) everywhere it appears:
 * decoded values and raw hex alike, since BCD and track 2 data carry the PAN
 * digits literally.
 */
import { fromHex, toHex } from '../../apdu/index.js';
import { decodeValue, formatTlvTree, tlvToJson } from '../../apdu/index.js';
import { describeStatusWord } from '../../apdu/index.js';
import { aidName } from '../../apdu/index.js';
import { type Tlv, flattenTlv } from '../../apdu/index.js';
import { MESSAGE_TEXT, encodeOutcomeParameterSet } from '../entry-point/index.js';
import { maskPan } from '../outcome.js';
import type { ContactlessInspection } from './contactless-inspector.js';

export interface FormatOptions {
  /** Show the PAN in full (default: masked). */
  showPan?: boolean;
}

/** The PAN digits of the inspection (5A, else 57 / 9F6B track 2 up to the separator). */
function panOf(r: ContactlessInspection): string | undefined {
  for (const rec of r.application?.records ?? []) {
    const values = flattenTlv(rec.tlv ?? []);
    const pan = values.get('5A');
    if (pan) return toHex(pan).replace(/F+$/, '');
    const t2 = values.get('57') ?? values.get('9F6B');
    if (t2) return toHex(t2).split('D')[0];
  }
  return undefined;
}

/** `text` with every occurrence of `pan` replaced by its masked form. */
export function maskPanEverywhere(text: string, pan: string | undefined): string {
  if (!pan || pan.length < 11) return text;
  return text.split(pan).join(maskPan(pan));
}

function status(s: string): string {
  return s ? `${s} (${describeStatusWord(parseInt(s, 16)).meaning})` : '(not sent)';
}

/** The tree with the scheme-specific tags (9F66, 9F6C, 9F6E, ...) read by the selected AID's scheme. */
function tree(list: Tlv[] | undefined, indent: string, aid: string | undefined): string[] {
  if (!list) return [];
  return formatTlvTree(list, '  ', { aid }).split('\n').map((l) => indent + l);
}

/** One terminal data element sent in the PDOL, decoded as the tree decodes it. */
function terminalDataLine(tag: string, hex: string, aid: string): string {
  const decoded = /^([0-9A-F]{2})*$/.test(hex) ? decodeValue(tag, fromHex(hex), { aid }) : {};
  const parts = [decoded.summary, ...(decoded.details ?? [])].filter((p) => p !== undefined);
  return `${tag} = ${hex}${parts.length > 0 ? ` (${parts.join('; ')})` : ''}`;
}

export function formatInspection(r: ContactlessInspection, options: FormatOptions = {}): string {
  const ep = r.entryPoint;
  const out: string[] = [r.label, '', `ATR ${r.atr} (${r.protocol})`, '', 'Entry Point (EMV Book B)'];
  out.push(`  SELECT 2PAY.SYS.DDF01: ${status(ep.ppse ? ep.ppse.sw.toString(16).toUpperCase().padStart(4, '0') : '')}`);
  ep.directory.forEach((d, i) => {
    const aid = d.adfName ? toHex(d.adfName) : '(no ADF name)';
    const kernel = d.kernelIdentifier && d.kernelIdentifier.length > 0 ? toHex(d.kernelIdentifier) : 'absent (default by RID)';
    out.push(`  PPSE entry ${i + 1}: ${aid} ${d.label ?? ''}  priority ${d.priority ?? 'none'}  kernel ${kernel}${d.extendedSelection ? `  extended selection ${toHex(d.extendedSelection)}` : ''}`);
  });
  out.push(`  candidates: ${ep.candidates.map((c) => `${toHex(c.adfName)} (kernel ${toHex(c.kernelId)}, priority ${c.priority ?? 'none'})`).join(', ') || 'none'}`);
  for (const e of ep.events) out.push(`  [Book B ${e.requirement}] ${e.text}`);
  const app = r.application;
  if (app) {
    const name = aidName(app.adfName);
    out.push('', `Application ${app.adfName}${name ? ` (${name})` : ''}, kernel ID ${app.kernelId} (read by the inspector)`);
    out.push(...tree(app.fci, '    ', app.adfName));
    if (app.pdol) {
      out.push(`  PDOL ${app.pdol}; terminal data sent:`);
      for (const [tag, v] of Object.entries(app.terminalData)) out.push(`    ${terminalDataLine(tag, v, app.adfName)}`);
    }
    if (app.gpo.error) out.push(`  ${app.gpo.error}`);
    out.push(`  GET PROCESSING OPTIONS (83 ${app.pdolData || 'empty'}): ${status(app.gpo.sw)}`);
    out.push(...tree(app.gpo.tlv, '    ', app.adfName));
    for (const rec of app.records) {
      const what = rec.sw !== '9000' ? `: ${status(rec.sw)}` : rec.tlv ? '' : `: ${rec.hex}`;
      out.push(`  record ${rec.record}, SFI ${rec.sfi}${rec.oda ? ' (ODA)' : ''}${what}`);
      out.push(...tree(rec.tlv, '    ', app.adfName));
    }
    const oda = app.oda;
    if (oda) {
      out.push(`  Offline data authentication: ${oda.method}: ${oda.verdict}`);
      for (const s of oda.steps) out.push(`    ${s.object}: ${s.failures.length === 0 ? 'ok' : s.failures.join('; ')}`);
      for (const [k, v] of Object.entries(oda.recovered ?? {})) out.push(`    recovered ${k}: ${v}`);
      for (const n of oda.notes) out.push(`    note: ${n}`);
    }
  }
  const o = ep.outcome;
  const ui = o.uiRequestOnOutcome ? `, UI '${o.uiRequestOnOutcome.messageId.toString(16).toUpperCase().padStart(2, '0')}' ${MESSAGE_TEXT[o.uiRequestOnOutcome.messageId] ?? ''}` : '';
  out.push('', `Outcome: ${o.parameters.status} (Outcome Parameter Set ${toHex(encodeOutcomeParameterSet(o.parameters))}${ui})`);
  const text = out.join('\n');
  return options.showPan ? text : maskPanEverywhere(text, panOf(r));
}

export function inspectionToJson(r: ContactlessInspection, options: FormatOptions = {}): unknown {
  const t = (l: Tlv[] | undefined) => (l ? tlvToJson(l, { aid: r.application?.adfName }) : undefined);
  const ep = r.entryPoint;
  const json = {
    label: r.label,
    atr: r.atr,
    protocol: r.protocol,
    entryPoint: {
      ppse: ep.ppse ? { sw: ep.ppse.sw.toString(16).toUpperCase(), fci: toHex(ep.ppse.fci) } : undefined,
      directory: ep.directory.map((d) => ({ adfName: d.adfName && toHex(d.adfName), label: d.label, priority: d.priority, kernelIdentifier: d.kernelIdentifier && toHex(d.kernelIdentifier), extendedSelection: d.extendedSelection && toHex(d.extendedSelection) })),
      candidates: ep.candidates.map((c) => ({ adfName: toHex(c.adfName), kernelId: toHex(c.kernelId), priority: c.priority, order: c.order })),
      events: ep.events,
      outcome: { ...ep.outcome.parameters, encoded: toHex(encodeOutcomeParameterSet(ep.outcome.parameters)), uiRequestOnOutcome: ep.outcome.uiRequestOnOutcome },
    },
    application: r.application && {
      ...r.application,
      fci: t(r.application.fci),
      gpo: { ...r.application.gpo, tlv: t(r.application.gpo.tlv) },
      records: r.application.records.map((rec) => ({ ...rec, tlv: t(rec.tlv) })),
    },
  };
  const text = JSON.stringify(json);
  return JSON.parse(options.showPan ? text : maskPanEverywhere(text, panOf(r)));
}
