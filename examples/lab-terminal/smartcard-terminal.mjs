/**
 * smartcard-terminal: a minimal EMV contact terminal written against the `smartcard` package
 * (tomkp), as a POS developer would write one, in the shape `emvsim lab run --terminal-module`
 * runs: the default export is `{ name, run(card, request) }`. It ignores `card` and finds the
 * card through PC/SC (`Devices`), so the same file drives a real reader; in the lab its
 * `import { Devices } from 'smartcard'` resolves to emvsim's fake of the package, with the
 * case's card in the reader `request.reader`. See docs/lab.md.
 *
 * What it does (EMV 4.4 Book 1 §12, Book 3 §10): application selection by PSE, or by its list
 * of AIDs when the card has no PSE (6A82); terminates when SELECT PSE answers 6A81; GET
 * PROCESSING OPTIONS with the PDOL filled; READ RECORD of the AFL; then, supporting no offline
 * data authentication and no CVM, it sets 'Offline data authentication was not performed' and
 * asks for an ARQC. It has no issuer host: the transaction is completed 'unable to go online'
 * with a second GENERATE AC requesting an AAC (ARC Z3), and the terminal reports DECLINED.
 *
 *   export default createTerminal()                          // as shipped
 *   export default createTerminal({ fault: 'continues-after-6a81' })   // the lab's test of a bug
 */
import { randomBytes } from 'node:crypto';
import { Devices } from 'smartcard';

/** The terminal's AIDs; partial selection allowed (Book 1 §12.3.1). */
const TERMINAL_AIDS = ['A0000000031010', 'A0000000041010'];

const hex = (b) => Buffer.from(b).toString('hex').toUpperCase();

/** BER-TLV (Book 3 Annex B): tag, value, children of constructed objects. */
function parseTlv(bytes) {
  const out = [];
  let i = 0;
  while (i < bytes.length) {
    if (bytes[i] === 0x00 || bytes[i] === 0xff) { i++; continue; }
    const start = i;
    if ((bytes[i++] & 0x1f) === 0x1f) while (bytes[i++] & 0x80);
    const tag = hex(bytes.subarray(start, i));
    let length = bytes[i++];
    if (length & 0x80) { const n = length & 0x7f; length = bytes.subarray(i, i + n).reduce((a, b) => a * 256 + b, 0); i += n; }
    const value = bytes.subarray(i, i + length);
    i += length;
    out.push({ tag, value, children: bytes[start] & 0x20 ? parseTlv(value) : [] });
  }
  return out;
}
const find = (tlvs, tag) => { for (const t of tlvs) { if (t.tag === tag) return t; const c = find(t.children, tag); if (c) return c; } return undefined; };
const findAll = (tlvs, tag, acc = []) => { for (const t of tlvs) { if (t.tag === tag) acc.push(t); findAll(t.children, tag, acc); } return acc; };

/** DOL data (Book 3 §5.4): each listed tag's value from `data`, zeros for what the terminal does not know. */
function fillDol(dol, data) {
  const parts = [];
  for (let i = 0; i < dol.length;) {
    const start = i;
    if ((dol[i++] & 0x1f) === 0x1f) while (dol[i++] & 0x80);
    const tag = hex(dol.subarray(start, i));
    const length = dol[i++];
    const value = Buffer.alloc(length);
    if (data[tag]) Buffer.from(data[tag], 'hex').copy(value, 0, 0, length);
    parts.push(value);
  }
  return Buffer.concat(parts);
}

function yymmdd(d) {
  return [d.getFullYear() % 100, d.getMonth() + 1, d.getDate()].map((n) => String(n).padStart(2, '0')).join('');
}

/** The first card the PC/SC reader `reader` (or any reader) reports. */
function waitForCard(reader, timeoutMs = 5000) {
  const devices = new Devices();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { devices.stop(); reject(new Error('no card within the time-out')); }, timeoutMs);
    devices.on('error', (err) => { clearTimeout(timer); devices.stop(); reject(err); });
    devices.on('card-inserted', ({ reader: r, card }) => {
      if (reader && r.name !== reader) return;
      clearTimeout(timer);
      resolve({ card, stop: () => devices.stop() });
    });
    devices.start();
  });
}

export function createTerminal(options = {}) {
  const fault = options.fault;
  return {
    name: `smartcard example terminal${fault ? ` (fault: ${fault})` : ''}`,
    async run(_card, request) {
      const { card, stop } = await waitForCard(request.reader);
      const out = [];
      try {
        return await transact(card, request, out, fault);
      } finally {
        stop();
      }
    },
  };
}

async function transact(card, request, out, fault) {
  const send = async (apdu) => {
    const r = await card.transmit(Buffer.from(apdu, 'hex'), { autoGetResponse: true });
    return { data: r.subarray(0, -2), sw: hex(r.subarray(-2)) };
  };
  const select = (name) => send(`00A40400${hex([name.length])}${hex(name)}00`);
  const done = (exitCode, line) => ({ exitCode, output: [...out, line].join('\n') + '\n' });

  // Application selection (Book 1 §12.3): PSE directory, or the list of AIDs.
  let candidates = [];
  const pse = await select(Buffer.from('1PAY.SYS.DDF01'));
  if (pse.sw === '6A81' && fault !== 'continues-after-6a81') return done(2, 'TERMINATED: SELECT PSE answered 6A81, card blocked (Book 1 §12.3.2)');
  if (pse.sw === '9000') {
    const sfi = find(parseTlv(pse.data), '88')?.value[0];
    for (let record = 1; sfi !== undefined && record <= 16; record++) {
      const r = await send(`00B2${hex([record, (sfi << 3) | 4])}00`);
      if (r.sw !== '9000') break;
      for (const e of findAll(parseTlv(r.data), '61')) {
        const aid = hex(find(e.children, '4F')?.value ?? []);
        if (TERMINAL_AIDS.some((t) => aid.startsWith(t))) candidates.push({ aid, priority: (find(e.children, '87')?.value[0] ?? 0x0f) & 0x0f });
      }
    }
  } else {
    for (const aid of TERMINAL_AIDS) if ((await select(Buffer.from(aid, 'hex'))).sw === '9000') candidates.push({ aid, priority: 15 });
  }
  candidates.sort((a, b) => a.priority - b.priority);

  const amount = String(request.amountMinor).padStart(12, '0');
  const data = {
    '9F02': amount, '9F03': '000000000000', '9F1A': '0276', '5F2A': '0978', '9A': yymmdd(new Date()), '9C': '00',
    '9F37': hex(randomBytes(4)), '95': '8000000000', '9F35': '22', '9F33': 'E00800', '9F34': '3F0000', '9F40': '6000F0A001',
  };
  for (const c of candidates) {
    const fci = await select(Buffer.from(c.aid, 'hex'));
    if (fci.sw === '6A81') return done(2, `TERMINATED: SELECT ${c.aid} answered 6A81`);
    if (fci.sw !== '9000') continue;
    const pdolData = fillDol(find(parseTlv(fci.data), '9F38')?.value ?? Buffer.alloc(0), data);
    const gpo = await send(`80A80000${hex([pdolData.length + 2, 0x83, pdolData.length])}${hex(pdolData)}00`);
    if (gpo.sw === '6985') continue; // Book 3 §10.1: not this application; back to the candidate list
    if (gpo.sw !== '9000') return done(2, `TERMINATED: GET PROCESSING OPTIONS answered ${gpo.sw}`);
    out.push(`application ${c.aid}`);
    const tlv = parseTlv(gpo.data);
    const f1 = find(tlv, '80')?.value;
    const afl = f1 ? f1.subarray(2) : find(tlv, '94')?.value ?? Buffer.alloc(0);
    const records = [];
    for (let i = 0; i + 4 <= afl.length; i += 4) {
      for (let record = afl[i + 1]; record <= afl[i + 2]; record++) {
        const r = await send(`00B2${hex([record, (afl[i] & 0xf8) | 4])}00`);
        if (r.sw !== '9000') return done(2, `TERMINATED: READ RECORD answered ${r.sw} (Book 3 §10.2)`);
        records.push(...parseTlv(r.data));
      }
    }
    const cdol1 = find(records, '8C')?.value ?? Buffer.alloc(0);
    const cdol2 = find(records, '8D')?.value ?? Buffer.alloc(0);
    const first = fillDol(cdol1, data);
    const ac1 = await send(`80AE8000${hex([first.length])}${hex(first)}00`);
    if (ac1.sw !== '9000') return done(2, `TERMINATED: GENERATE AC answered ${ac1.sw}`);
    const cid = (find(parseTlv(ac1.data), '9F27')?.value ?? parseTlv(ac1.data)[0]?.value.subarray(0, 1))?.[0] ?? 0;
    if ((cid & 0xc0) !== 0x80) return done(1, `DECLINED by the card (CID ${hex([cid])})`);
    // No issuer host: unable to go online (Book 3 §10.9), AAC requested with ARC Z3.
    const second = fillDol(cdol2, { ...data, '8A': '5A33' });
    const ac2 = await send(`80AE0000${hex([second.length])}${hex(second)}00`);
    return done(1, `DECLINED: unable to go online (second GENERATE AC answered ${ac2.sw})`);
  }
  return done(2, 'TERMINATED: no mutually supported application');
}

export default createTerminal();
