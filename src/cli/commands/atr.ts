/** `emvsim atr <hex>`: explain an Answer-To-Reset (ISO/IEC 7816-3 §8.2, EMV Book 1 §8.3). */
import type { CommandModule } from 'yargs';

/** The lines printed for an ATR (exported for the demo). */
export async function describeAtr(hex: string): Promise<{ text: string; json: unknown }> {
  const { parseAtr } = await import('../../apdu/atr.js');
  const { toHex } = await import('../../apdu/bytes.js');
  const atr = parseAtr(hex);
  const b = (v: number) => toHex(Uint8Array.of(v));
  const lines = [`ATR ${atr.hex}`];
  lines.push(`TS   ${atr.convention === 'direct' ? '3B' : '3F'}  ${atr.convention} convention`);
  const follow = ['TA1', 'TB1', 'TC1', 'TD1'].filter((_, i) => atr.y1 & (1 << i));
  lines.push(`T0   ${atr.hex.slice(2, 4)}  Y1 ${b(atr.y1).slice(1)} (${follow.join(' ') || 'no interface bytes'}), K = ${atr.historicalLength} historical bytes`);
  for (const g of atr.interfaceBytes) {
    const scope = g.qualifies === 'global' ? 'global' : `T=${g.qualifies}`;
    for (const [key, value] of [['TA', g.ta], ['TB', g.tb], ['TC', g.tc], ['TD', g.td]] as const) {
      if (value === undefined) continue;
      lines.push(`${key}${g.index}  ${b(value)}  ${interfaceMeaning(key, g.index, value, scope)}`);
    }
  }
  lines.push(`Protocols: ${atr.protocols.map((t) => `T=${t}`).join(', ')}`);
  lines.push(`Fi/Di: ${atr.fi}/${atr.di}, f(max) ${atr.fMaxMhz} MHz${atr.ta1Present ? '' : ' (defaults: TA1 absent)'}`);
  lines.push(`Extra guard time N: ${atr.extraGuardTime}${atr.extraGuardTime === 255 ? ' (minimum guard time)' : ''}`);
  if (atr.specificMode) {
    lines.push(`Specific mode: T=${atr.specificMode.protocol}${atr.specificMode.canChange ? '' : ', cannot change'}`);
  }
  if (atr.t1) {
    lines.push(`T=1: IFSC ${atr.t1.ifsc}, BWI ${atr.t1.bwi}, CWI ${atr.t1.cwi}, ${atr.t1.errorDetection}`);
  }
  if (atr.t15) lines.push(`Classes: ${atr.t15.classes.join(', ') || 'none'}; clock stop ${atr.t15.clockStop}`);
  const h = atr.historical;
  lines.push(`Historical bytes (${atr.historicalLength}): ${h.hex || '-'}`);
  if (h.category !== undefined) lines.push(`  category ${b(h.category)}: ${h.categoryMeaning}`);
  for (const o of h.objects) {
    lines.push(`  ${o.tag.toString(16).toUpperCase()} ${o.name}: ${o.value}`);
    for (const n of o.notes) lines.push(`      ${n}`);
  }
  if (h.status) {
    lines.push(`  status: ${h.status.lcs !== undefined ? `LCS ${b(h.status.lcs)}` : ''}${h.status.lcs !== undefined && h.status.sw ? ', ' : ''}${h.status.sw ? `SW ${h.status.sw}` : ''}`);
  }
  if (h.problem) lines.push(`  note: ${h.problem}`);
  lines.push(atr.tck !== undefined ? `TCK  ${b(atr.tck)}  correct (XOR T0..TCK = 00)` : 'TCK  absent (only T=0 offered)');
  return { text: lines.join('\n'), json: atr };
}

function interfaceMeaning(key: 'TA' | 'TB' | 'TC' | 'TD', i: number, v: number, scope: string): string {
  if (key === 'TD') {
    const next = ['TA', 'TB', 'TC', 'TD'].filter((_, bit) => (v >> 4) & (1 << bit)).map((k) => `${k}${i + 1}`);
    const t = v & 0x0f;
    return `${t === 15 ? 'T=15 (global bytes follow)' : `protocol T=${t}`}${next.length ? `; ${next.join(' ')} follow${next.length === 1 ? 's' : ''}` : ''}`;
  }
  if (i === 1 && key === 'TA') return 'Fi/Di (clock rate conversion, baud rate adjustment)';
  if (i === 1 && key === 'TB') return v === 0 ? 'VPP not connected (EMV Book 1 §8.3.3.2)' : 'programming voltage (deprecated)';
  if (i === 1 && key === 'TC') return `extra guard time N = ${v}`;
  if (i === 2 && key === 'TA') return 'specific mode';
  if (i === 2 && key === 'TC') return `T=0 work waiting integer WI = ${v}`;
  if (scope === 'T=1' && key === 'TA') return `IFSC = ${v}`;
  if (scope === 'T=1' && key === 'TB') return `BWI = ${v >> 4}, CWI = ${v & 0x0f}`;
  if (scope === 'T=1' && key === 'TC') return `error detection ${v & 1 ? 'CRC' : 'LRC'}`;
  if (scope === 'T=15' && key === 'TA') return 'clock stop and class indicator';
  return scope;
}

export const atrCommand: CommandModule = {
  command: 'atr <hex..>',
  describe: 'Explain an Answer-To-Reset: interface bytes, protocols, Fi/Di, historical bytes, TCK',
  builder: (y) =>
    y
      .positional('hex', { type: 'string', array: true, demandOption: true, describe: 'ATR bytes in hex (spaces allowed)' })
      .option('json', { type: 'boolean', default: false, describe: 'print JSON' })
      .example('$0 atr 3B6800000073C84013009000', 'a T=0 EMV card'),
  handler: async (argv) => {
    const out = await describeAtr((argv.hex as string[]).join(''));
    process.stdout.write((argv.json ? JSON.stringify(out.json, null, 2) : out.text) + '\n');
  },
};
