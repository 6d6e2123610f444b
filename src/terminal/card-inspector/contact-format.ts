/** Text and JSON forms of an ExploreResult (contact-explorer.ts). */

import { formatTlvTree, tlvToJson } from '../../apdu/index.js';
import { describeStatusWord } from '../../apdu/index.js';
import { aidName } from '../../apdu/index.js';
import type { Tlv } from '../../apdu/index.js';
import type { ExploreResult } from './contact-explorer.js';

const COUNTER_NAMES: Record<string, string> = {
  '9F36': 'application transaction counter',
  '9F13': 'last online ATC register',
  '9F17': 'PIN try counter',
  '9F4F': 'log format',
};

function status(sw: string): string {
  return `${sw} (${describeStatusWord(parseInt(sw, 16)).meaning})`;
}

function tree(list: Tlv[] | undefined, indent: string, aid?: string): string[] {
  if (!list) return [];
  return formatTlvTree(list, '  ', { aid }).split('\n').map((l) => indent + l);
}

export function formatExplore(r: ExploreResult): string {
  const out: string[] = [`ATR ${r.atr} (${r.protocol})`, '', `SELECT 1PAY.SYS.DDF01: ${status(r.pse.status)}`];
  out.push(...tree(r.pse.fci, '  '));
  for (const d of r.pse.directory) {
    out.push(`  directory record ${d.record} (SFI ${d.sfi})`);
    out.push(...tree(d.tlv, '    '));
  }
  for (const app of r.applications) {
    const name = aidName(app.aid);
    out.push('', `Application ${app.aid}${name ? ` (${name})` : ''}`, `  SELECT: ${status(app.selectStatus)}`);
    out.push(...tree(app.fci, '    ', app.aid));
    if (app.gpoStatus) {
      out.push(`  GET PROCESSING OPTIONS: ${status(app.gpoStatus)}`);
      out.push(...tree(app.gpo, '    ', app.aid));
    }
    for (const rec of app.records) {
      out.push(`  record ${rec.record}, SFI ${rec.sfi}${rec.tlv ? '' : `: ${rec.hex}`}`);
      out.push(...tree(rec.tlv, '    ', app.aid));
    }
    for (const [tag, value] of Object.entries(app.data)) {
      const n = tag === '9F4F' ? value : `${value} = ${parseInt(value, 16)}`;
      out.push(`  GET DATA ${tag} ${COUNTER_NAMES[tag] ?? ''}: ${n}`);
    }
    if (app.log.length > 0) {
      out.push(`  transaction log (${app.log.length} records, newest first; format 9F4F):`);
      app.log.forEach((l, i) => out.push(`    ${i + 1}: ${l}`));
    }
  }
  return out.join('\n');
}

export function exploreToJson(r: ExploreResult): unknown {
  const t = (l: Tlv[] | undefined, aid?: string) => (l ? tlvToJson(l, { aid }) : undefined);
  return {
    atr: r.atr,
    protocol: r.protocol,
    pse: { status: r.pse.status, fci: t(r.pse.fci), directory: r.pse.directory.map((d) => ({ sfi: d.sfi, record: d.record, hex: d.hex, tlv: t(d.tlv) })) },
    applications: r.applications.map((a) => ({
      aid: a.aid,
      name: aidName(a.aid),
      select: a.selectStatus,
      fci: t(a.fci, a.aid),
      gpo: a.gpoStatus ? { status: a.gpoStatus, tlv: t(a.gpo, a.aid) } : undefined,
      records: a.records.map((rec) => ({ sfi: rec.sfi, record: rec.record, hex: rec.hex, tlv: t(rec.tlv, a.aid) })),
      data: a.data,
      log: a.log,
    })),
  };
}

