/**
 * Faulty terminals for the lab's own tests: emvsim's kernel behind a
 * CardTransport wrapper that makes it misbehave in one documented way, as a
 * terminal with that bug would. The kernel's step modules stay untouched; the
 * card sees exactly what a faulty terminal would send, so each fault must be
 * caught by a case of the shipped plan whose message names it.
 */
import { fromHex, toHex, type Bytes } from '../../src/apdu/bytes.js';
import { parseDol } from '../../src/apdu/dol.js';
import { tryDecodeTlv } from '../../src/apdu/trace-format.js';
import type { CardTransport } from '../../src/apdu/transport.js';
import { decodeTlv, encodeTlv, type Tlv } from '../../src/apdu/tlv.js';
import { buildStaticDataToBeAuthenticated, createIccCertificate, createIssuerCertificate, loadTestCa, loadTestIssuer, recoverIccCertificate, recoverIssuerCertificate } from '../../src/crypto/index.js';
import { kernelTerminal, type InProcessTerminal } from '../../src/lab/index.js';
import { capksForTerminal, loadTerminalProfile, type CapkLookup } from '../../src/terminal/index.js';

type Intercept = (command: Bytes, forward: (c: Bytes) => Promise<Bytes>) => Promise<Bytes>;

/** A CardTransport that lets `intercept` see (and change) every exchange. */
export class InterceptingTransport implements CardTransport {
  constructor(
    private readonly inner: CardTransport,
    private readonly intercept: Intercept,
  ) {}
  get name(): string {
    return this.inner.name;
  }
  get protocol() {
    return this.inner.protocol;
  }
  transmit(command: Bytes): Promise<Bytes> {
    return this.intercept(command, (c) => this.inner.transmit(c));
  }
  coldReset(): Promise<Bytes> {
    return this.inner.coldReset();
  }
  warmReset(): Promise<Bytes> {
    return this.inner.warmReset();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

const OK = Uint8Array.of(0x90, 0x00);
const ins = (c: Bytes) => c[1];

/** Offset and length of tag 95 in CDOL1-related data, learnt from the card's records as they pass. */
function cdol1TvrTracker() {
  let at: { offset: number; length: number } | undefined;
  return {
    learn(response: Bytes) {
      const list = tryDecodeTlv(response.subarray(0, -2));
      const record = list?.find((t) => t.tag === '70');
      const cdol1 = record?.children?.find((t) => t.tag === '8C');
      if (!cdol1) return;
      let offset = 0;
      for (const e of parseDol(cdol1.value)) {
        if (e.tag === '95') at = { offset, length: e.length };
        offset += e.length;
      }
    },
    get at() {
      return at;
    },
  };
}

export const FAULTS = {
  /** Reads the PIN try counter but ignores it: tells the kernel 3 tries are left, so it sends VERIFY on a blocked PIN. */
  'ignores-pin-try-counter': (): Intercept => async (c, forward) => {
    const r = await forward(c);
    if (ins(c) === 0xca && c[2] === 0x9f && c[3] === 0x17) return fromHex('9F1701039000');
    return r;
  },
  /** Never sets 'ICC data missing' (TVR byte 1 bit 6) in the first GENERATE AC. */
  'never-sets-icc-data-missing': (): Intercept => {
    const tvr = cdol1TvrTracker();
    return async (c, forward) => {
      if (ins(c) === 0xae && tvr.at && c.length > 5 + tvr.at.offset) {
        const changed = Uint8Array.from(c);
        changed[5 + tvr.at.offset] = changed[5 + tvr.at.offset]! & ~0x20;
        return forward(changed);
      }
      const r = await forward(c);
      if (ins(c) === 0xb2) tvr.learn(r);
      return r;
    };
  },
  /** Requests TC in the first GENERATE AC where terminal action analysis asked for ARQC (floor limit exceeded). */
  'requests-tc-over-floor-limit': (): Intercept => {
    let first = true;
    return async (c, forward) => {
      if (ins(c) === 0xae && first) {
        first = false;
        if ((c[2]! & 0xc0) === 0x80) {
          const changed = Uint8Array.from(c);
          changed[2] = (changed[2]! & 0x3f) | 0x40;
          return forward(changed);
        }
      }
      return forward(c);
    };
  },
  /** Never sends EXTERNAL AUTHENTICATE: pretends the card accepted the ARPC. */
  'skips-external-authenticate': (): Intercept => async (c, forward) => (ins(c) === 0x82 ? OK : forward(c)),
  /** Holds template 71 script commands back and sends them after the second GENERATE AC. */
  'runs-71-scripts-after-second-generate-ac': (): Intercept => {
    let acs = 0;
    const held: Bytes[] = [];
    return async (c, forward) => {
      const script = (c[0]! & 0x0c) !== 0 && ins(c) !== 0xa4;
      if (script && acs === 1) {
        held.push(Uint8Array.from(c));
        return OK;
      }
      const r = await forward(c);
      if (ins(c) === 0xae && ++acs === 2) for (const h of held.splice(0)) await forward(h);
      return r;
    };
  },
  /** Treats 6A81 (card blocked / function not supported) as 6A82 and carries on with the next way of selecting. */
  'continues-after-6a81': (): Intercept => async (c, forward) => {
    const r = await forward(c);
    return toHex(r.subarray(-2)) === '6A81' ? Uint8Array.of(...r.subarray(0, -2), 0x6a, 0x82) : r;
  },
  /**
   * Skips the certificate expiration date checks (Book 2 §5.3 / §6.3 / §6.4 step 9): as the issuer
   * certificate (90) and the ICC certificate (9F46) pass, each is recovered and signed again with
   * a far expiry by the test CA or test issuer (their private keys are public), the ICC one over
   * the static data the terminal will authenticate. The kernel, which does check the dates, then
   * goes on exactly as a terminal that never looked at them would.
   */
  'ignores-certificate-expiry': (): Intercept => {
    const odaRecords: { sfi: number; record: Bytes }[] = [];
    let afl: Bytes = new Uint8Array(0);
    let aip: Bytes | undefined;
    let issuerKey: ReturnType<typeof recoverIssuerCertificate>['issuerPublicKey'];
    let pan: Bytes | undefined;
    const forOda = (sfi: number, record: number) => {
      for (let i = 0; i + 4 <= afl.length; i += 4) if (afl[i]! >> 3 === sfi && record >= afl[i + 1]! && record < afl[i + 1]! + afl[i + 3]!) return true;
      return false;
    };
    return async (c, forward) => {
      const r = await forward(c);
      if (toHex(r.subarray(-2)) !== '9000') return r;
      if (ins(c) === 0xa8) {
        const [t] = decodeTlv(r.subarray(0, -2));
        const f1 = t?.tag === '80' ? t.value : undefined;
        aip = f1 ? f1.subarray(0, 2) : t?.children?.find((x) => x.tag === '82')?.value;
        afl = f1 ? f1.subarray(2) : (t?.children?.find((x) => x.tag === '94')?.value ?? new Uint8Array(0));
        return r;
      }
      if (ins(c) !== 0xb2) return r;
      const sfi = c[3]! >> 3;
      const body = r.subarray(0, -2);
      if (forOda(sfi, c[2]!)) odaRecords.push({ sfi, record: Uint8Array.from(body) });
      const [record] = decodeTlv(body);
      const children = record?.tag === '70' ? record.children : undefined;
      if (!children) return r;
      const tag = (t: string) => children.find((x) => x.tag === t)?.value;
      pan ??= tag('5A');
      let swapped: Tlv[] | undefined;
      if (tag('90')) {
        const ca = loadTestCa().keyPair;
        const got = recoverIssuerCertificate({ capk: ca, certificate: tag('90'), remainder: tag('92'), exponent: tag('9F32') });
        issuerKey = got.issuerPublicKey;
        if (!issuerKey) return r;
        const fresh = createIssuerCertificate({ caKey: ca, issuerPublicKey: issuerKey, issuerIdentifier: String(got.fields.issuerIdentifier), expiry: '1249', serial: String(got.fields.serial) });
        swapped = children.map((x) => (x.tag === '90' ? { ...x, value: fresh.certificate } : x));
      } else if (tag('9F46') && issuerKey && pan) {
        const sdaTagList = odaRecords.map((o) => decodeTlv(o.record)[0]?.children?.find((x) => x.tag === '9F4A')?.value).find(Boolean);
        const staticData = buildStaticDataToBeAuthenticated(odaRecords, { ...(sdaTagList ? { sdaTagList } : {}), ...(aip ? { aip } : {}) });
        const got = recoverIccCertificate({ issuerPublicKey: issuerKey, certificate: tag('9F46'), remainder: tag('9F48'), exponent: tag('9F47'), staticData });
        if (!got.iccPublicKey) return r;
        const fresh = createIccCertificate({ issuerKey: loadTestIssuer().keyPair, iccPublicKey: got.iccPublicKey, pan, expiry: '1249', serial: String(got.fields.serial), staticData });
        swapped = children.map((x) => (x.tag === '9F46' ? { ...x, value: fresh.certificate } : x));
      }
      return swapped ? Uint8Array.of(...encodeTlv('70', swapped), 0x90, 0x00) : r;
    };
  },
} as const;

export type FaultName = keyof typeof FAULTS;

/**
 * A terminal that keeps using CA public keys past their withdrawal (Book 2 §11.2.3): its key
 * store forgets every key's expiry date.
 */
export function expiredCapkTerminal(): InProcessTerminal {
  const store = capksForTerminal(loadTerminalProfile('eu-pos-pin'));
  const capks: CapkLookup = {
    find(rid, index) {
      const k = store.find(rid, index);
      return k && { modulus: k.modulus, exponent: k.exponent };
    },
  };
  const inner = kernelTerminal('eu-pos-pin', (c) => c, { capks });
  return { name: 'faulty terminal: uses expired CA public keys', run: (card, request) => inner.run(card, request) };
}

/** emvsim's kernel with one fault. */
export function faultyTerminal(fault: FaultName): InProcessTerminal {
  const inner = kernelTerminal('eu-pos-pin', (card) => new InterceptingTransport(card, FAULTS[fault]()));
  return { name: `faulty terminal: ${fault}`, run: (card, request) => inner.run(card, request) };
}

/** A terminal that repeats its unpredictable number: the same random seed every run. */
export function repeatingUnTerminal(): InProcessTerminal {
  const inner = kernelTerminal();
  return { name: 'faulty terminal: repeats the unpredictable number', run: (card, request) => inner.run(card, { ...request, seed: 1 }) };
}
