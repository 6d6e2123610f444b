/** A contactless card for Entry Point tests: SELECT answers from a table, every command logged. */
import { type Bytes, ascii, fromHex, toHex } from '../../../src/apdu/bytes.js';
import { TransportError } from '../../../src/apdu/errors.js';
import { encodeTlv, type TlvInput } from '../../../src/apdu/tlv.js';
import type { CardTransport, Protocol } from '../../../src/apdu/transport.js';

export interface PpseEntry {
  aid: string;
  label?: string;
  priority?: number;
  kernelId?: string;
  extendedSelection?: string;
}

/** A PPSE FCI 6F { 84, A5 { BF0C { 61 ... } } } (Book B §3.3.2). */
export function ppseFci(entries: PpseEntry[]): string {
  const list: TlvInput[] = entries.map((e) => {
    const c: TlvInput[] = [{ tag: '4F', value: fromHex(e.aid) }];
    if (e.label) c.push({ tag: '50', value: ascii(e.label) });
    if (e.priority !== undefined) c.push({ tag: '87', value: Uint8Array.of(e.priority) });
    if (e.kernelId !== undefined) c.push({ tag: '9F2A', value: fromHex(e.kernelId) });
    if (e.extendedSelection) c.push({ tag: '9F29', value: fromHex(e.extendedSelection) });
    return { tag: '61', children: c };
  });
  return toHex(encodeTlv('6F', [{ tag: '84', value: ascii('2PAY.SYS.DDF01') }, { tag: 'A5', children: [{ tag: 'BF0C', children: list }] }]));
}

/** An application FCI with a PDOL (or none). */
export function appFci(aid: string, pdol?: string): string {
  const prop: TlvInput[] = [{ tag: '50', value: ascii('APP') }];
  if (pdol) prop.push({ tag: '9F38', value: fromHex(pdol) });
  return toHex(encodeTlv('6F', [{ tag: '84', value: fromHex(aid) }, { tag: 'A5', children: prop }]));
}

export const PPSE_SELECT = '00A404000E325041592E5359532E444446303100';

export class TableCard implements CardTransport {
  readonly name = 'table card';
  readonly protocol: Protocol = 'T=1';
  readonly log: string[] = [];
  resets = 0;
  /** Transmissions that fail with a TransportError (by index, 0-based). */
  failAt = new Set<number>();
  constructor(private readonly answers: Record<string, string>) {}

  async transmit(command: Bytes): Promise<Bytes> {
    const hex = toHex(command);
    const index = this.log.length;
    this.log.push(hex);
    if (this.failAt.has(index)) throw new TransportError('TIMEOUT', 'card gone');
    return fromHex(this.answers[hex] ?? '6A82');
  }
  async coldReset(): Promise<Bytes> {
    this.resets++;
    return fromHex('3B8080010101');
  }
  async warmReset(): Promise<Bytes> {
    return this.coldReset();
  }
  async close(): Promise<void> {}
}

export function select(name: string): string {
  return `00A40400${(name.length / 2).toString(16).toUpperCase().padStart(2, '0')}${name}00`;
}
