/**
 * read-card: a small app written against the `smartcard` package (tomkp), as a
 * payment developer would write it. It waits for a card, finds the payment
 * applications (PSE, then PPSE, then a list of known AIDs), selects the first
 * one, sends GET PROCESSING OPTIONS with the PDOL filled from terminal data,
 * reads the records of the AFL and prints the application, the PAN masked and
 * the expiry date (EMV 4.4 Book 1 §12, Book 3 §10.1-10.2).
 *
 * Run it on a reader: `npx tsx examples/read-card/read-card.ts`. Its test
 * (test/examples/read-card.test.ts) runs it against emvsim's fake of
 * `smartcard` with no pcscd; the PC/SC suite runs it on pcscd + vpcd.
 */
import { Devices } from 'smartcard';

/** What the app needs of a card: smartcard's Card.transmit. */
export interface CardLike {
  transmit(command: Buffer, options?: { autoGetResponse?: boolean }): Promise<Buffer>;
}

/** What the app needs of `Devices`: start, stop and its events. */
export interface DevicesLike {
  on(event: 'card-inserted', listener: (event: { reader: { name: string }; card: CardLike }) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  start(): void;
  stop(): void;
}

/** Well-known AIDs tried when the card has neither PSE nor PPSE. */
const KNOWN_AIDS = ['A0000000031010', 'A0000000032010', 'A0000000041010', 'A0000000043060', 'A00000002501', 'A0000003591010028001'];

/** Terminal data for the PDOL (Book 3 Annex A): a EUR 10.00 purchase in Germany, on 2026-12-04. */
const TERMINAL_DATA: Record<string, string> = {
  '9F02': '000000001000', // Amount, Authorised
  '9F03': '000000000000', // Amount, Other
  '9F1A': '0276', // Terminal Country Code: Germany
  '5F2A': '0978', // Transaction Currency Code: EUR
  '9A': '261204', // Transaction Date YYMMDD
  '9C': '00', // Transaction Type: purchase
  '9F37': '1A2B3C4D', // Unpredictable Number (fixed: the output does not depend on it)
  '95': '0000000000', // TVR
  '9F35': '22', // Terminal Type: attended, offline with online capability
  '9F33': 'E0F8C8', // Terminal Capabilities
  '9F40': 'F000F0A001', // Additional Terminal Capabilities
  '9F66': '36000000', // Terminal Transaction Qualifiers (contactless kernels)
};

interface Tlv { tag: string; value: Buffer; children: Tlv[] }

/** Minimal BER-TLV reader (Book 3 Annex B): tags, lengths up to 2 bytes, constructed nesting. */
export function parseTlv(bytes: Buffer): Tlv[] {
  const out: Tlv[] = [];
  let i = 0;
  while (i < bytes.length) {
    if (bytes[i] === 0x00 || bytes[i] === 0xff) { i++; continue; } // padding between objects
    const start = i;
    if ((bytes[i++]! & 0x1f) === 0x1f) while (bytes[i++]! & 0x80);
    const tagBytes = bytes.subarray(start, i);
    let length = bytes[i++]!;
    if (length & 0x80) {
      const n = length & 0x7f;
      length = bytes.subarray(i, i + n).reduce((acc, b) => acc * 256 + b, 0);
      i += n;
    }
    const value = bytes.subarray(i, i + length);
    i += length;
    out.push({ tag: tagBytes.toString('hex').toUpperCase(), value, children: tagBytes[0]! & 0x20 ? parseTlv(value) : [] });
  }
  return out;
}

function find(tlvs: Tlv[], tag: string): Tlv | undefined {
  for (const t of tlvs) {
    if (t.tag === tag) return t;
    const inner = find(t.children, tag);
    if (inner) return inner;
  }
  return undefined;
}

function findAll(tlvs: Tlv[], tag: string, acc: Tlv[] = []): Tlv[] {
  for (const t of tlvs) {
    if (t.tag === tag) acc.push(t);
    findAll(t.children, tag, acc);
  }
  return acc;
}

async function send(card: CardLike, apdu: string): Promise<{ data: Buffer; sw: string }> {
  const r = await card.transmit(Buffer.from(apdu, 'hex'), { autoGetResponse: true });
  return { data: r.subarray(0, r.length - 2), sw: r.subarray(r.length - 2).toString('hex').toUpperCase() };
}

const hex = (b: number[] | Buffer) => Buffer.from(b).toString('hex').toUpperCase();
const select = (card: CardLike, name: Buffer) => send(card, '00A40400' + hex([name.length]) + name.toString('hex') + '00');

interface Candidate { aid: string; label: string; priority: number }

/** PSE (Book 1 §12.3.2): the directory records of the SFI in the FCI list the applications. */
async function fromPse(card: CardLike): Promise<Candidate[]> {
  const fci = await select(card, Buffer.from('1PAY.SYS.DDF01'));
  if (fci.sw !== '9000') return [];
  const sfi = find(parseTlv(fci.data), '88')?.value[0];
  if (sfi === undefined) return [];
  const found: Candidate[] = [];
  for (let record = 1; record <= 16; record++) {
    const r = await send(card, '00B2' + hex([record, (sfi << 3) | 4]) + '00');
    if (r.sw !== '9000') break;
    found.push(...entries(parseTlv(r.data)));
  }
  return found;
}

/** PPSE (Book B §3.3): the FCI itself lists the applications. */
async function fromPpse(card: CardLike): Promise<Candidate[]> {
  const fci = await select(card, Buffer.from('2PAY.SYS.DDF01'));
  return fci.sw === '9000' ? entries(parseTlv(fci.data)) : [];
}

function entries(tlvs: Tlv[]): Candidate[] {
  return findAll(tlvs, '61').map((e) => ({
    aid: hex(find(e.children, '4F')?.value ?? Buffer.alloc(0)),
    label: find(e.children, '50')?.value.toString('latin1') ?? '',
    priority: (find(e.children, '87')?.value[0] ?? 0x0f) & 0x0f,
  }));
}

/** The PDOL filled from TERMINAL_DATA, zeros for what a terminal does not know (Book 3 §5.4). */
export function buildPdolData(pdol: Buffer): Buffer {
  const parts: Buffer[] = [];
  let i = 0;
  while (i < pdol.length) {
    const start = i;
    if ((pdol[i++]! & 0x1f) === 0x1f) while (pdol[i++]! & 0x80);
    const tag = hex(pdol.subarray(start, i));
    const length = pdol[i++]!;
    const known = TERMINAL_DATA[tag] ? Buffer.from(TERMINAL_DATA[tag]!, 'hex') : Buffer.alloc(0);
    const value = Buffer.alloc(length);
    known.copy(value, 0, 0, Math.min(length, known.length));
    parts.push(value);
  }
  return Buffer.concat(parts);
}

/** Reads one card; returns the lines the app prints. */
export async function readCard(card: CardLike): Promise<string[]> {
  const lines: string[] = [];
  let candidates = await fromPse(card);
  let method = 'PSE';
  if (candidates.length === 0) { candidates = await fromPpse(card); method = 'PPSE'; }
  if (candidates.length === 0) {
    method = 'AID list';
    for (const aid of KNOWN_AIDS) if ((await select(card, Buffer.from(aid, 'hex'))).sw === '9000') candidates.push({ aid, label: '', priority: 15 });
  }
  if (candidates.length === 0) return ['No payment application found'];
  candidates.sort((a, b) => a.priority - b.priority);
  lines.push(`Applications (${method}): ${candidates.map((c) => `${c.aid}${c.label ? ` ${c.label}` : ''}`).join(', ')}`);

  const chosen = candidates[0]!;
  const fci = await select(card, Buffer.from(chosen.aid, 'hex'));
  if (fci.sw !== '9000') return [...lines, `SELECT ${chosen.aid} failed: ${fci.sw}`];
  const fciTlv = parseTlv(fci.data);
  const label = find(fciTlv, '9F12')?.value.toString('latin1') ?? find(fciTlv, '50')?.value.toString('latin1') ?? chosen.label;
  lines.push(`Selected: ${chosen.aid} ${label}`);

  const pdolData = buildPdolData(find(fciTlv, '9F38')?.value ?? Buffer.alloc(0));
  const gpoData = Buffer.concat([Buffer.from([0x83, pdolData.length]), pdolData]);
  const gpo = await send(card, '80A80000' + hex([gpoData.length]) + gpoData.toString('hex') + '00');
  if (gpo.sw !== '9000') return [...lines, `GET PROCESSING OPTIONS failed: ${gpo.sw}`];
  const gpoTlv = parseTlv(gpo.data);
  const format1 = find(gpoTlv, '80')?.value;
  const aip = format1 ? format1.subarray(0, 2) : find(gpoTlv, '82')?.value ?? Buffer.alloc(2);
  const afl = format1 ? format1.subarray(2) : find(gpoTlv, '94')?.value ?? Buffer.alloc(0);
  lines.push(`AIP: ${hex(aip)}  AFL: ${hex(afl)}`);

  const records: Tlv[] = [];
  for (let i = 0; i + 4 <= afl.length; i += 4) {
    const sfi = afl[i]! >> 3;
    for (let record = afl[i + 1]!; record <= afl[i + 2]!; record++) {
      const r = await send(card, '00B2' + hex([record, (sfi << 3) | 4]) + '00');
      if (r.sw !== '9000') return [...lines, `READ RECORD SFI ${sfi} record ${record} failed: ${r.sw}`];
      records.push(...parseTlv(r.data));
    }
  }
  const track2 = find(records, '57')?.value.toString('hex').toUpperCase();
  const pan = find(records, '5A')?.value.toString('hex').toUpperCase().replace(/F+$/, '') ?? track2?.split('D')[0];
  const expiry = find(records, '5F24')?.value.toString('hex') ?? (track2 ? track2.split('D')[1]!.slice(0, 4) + '31' : undefined);
  lines.push(`PAN: ${pan ? maskPan(pan) : 'not found'}`);
  lines.push(`Expiry: ${expiry ? `20${expiry.slice(0, 2)}-${expiry.slice(2, 4)}` : 'not found'}`);
  return lines;
}

/** PCI DSS display rule: at most the first six and the last four digits. */
export function maskPan(pan: string): string {
  return pan.slice(0, 6) + '*'.repeat(Math.max(0, pan.length - 10)) + pan.slice(-4);
}

/** Waits for a card (in `reader`, or any), reads it, prints, stops. Resolves with the exit code. */
export function main(options: { devices?: DevicesLike; reader?: string; log?: (line: string) => void; timeoutMs?: number } = {}): Promise<number> {
  const devices = options.devices ?? new Devices();
  const log = options.log ?? ((line: string) => console.log(line));
  return new Promise((resolve) => {
    const timer = setTimeout(() => { devices.stop(); log('No card within the time-out'); resolve(1); }, options.timeoutMs ?? 30_000);
    devices.on('error', (err) => log(`PC/SC error: ${err.message}`));
    devices.on('card-inserted', ({ reader, card }) => {
      if (options.reader && reader.name !== options.reader) return;
      clearTimeout(timer);
      readCard(card).then(
        (lines) => { for (const line of lines) log(line); devices.stop(); resolve(0); },
        (err: Error) => { log(`Reading the card failed: ${err.message}`); devices.stop(); resolve(1); },
      );
    });
    devices.start();
  });
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  process.exitCode = await main();
}
