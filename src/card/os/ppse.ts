/**
 * The Proximity Payment System Environment (PPSE) and the card's interface.
 *
 * A dual-interface card answers SELECT '2PAY.SYS.DDF01' only over the
 * contactless interface, with an FCI whose FCI Issuer Discretionary Data (BF0C)
 * holds one Directory Entry (61) per application reachable contactless:
 * ADF Name (4F), Application Label (50), Application Priority Indicator (87),
 * Kernel Identifier (9F2A) and Extended Selection (9F29) where personalised
 * (EMV Book B v2.x §3.3.2: Entry Point reads exactly these; Book 1 §12.2.3 for
 * 4F/50/87). The PPSE has no records: Entry Point never sends READ RECORD to it.
 *
 * Over the contact interface the PSE '1PAY.SYS.DDF01' is offered and the PPSE
 * is not; over contactless the reverse, and applications not marked
 * `contactless` are not selectable (6A82 "file not found", ISO/IEC 7816-4
 * Table 6), as real dual-interface cards behave.
 */
import { type Bytes, ascii, uintBytes, fromHex } from '../../apdu/index.js';
import { encodeTlv, type TlvInput } from '../../apdu/index.js';
import type { ApplicationEntry, CardInterface, CardProfile } from '../profile/types.js';

export const PPSE_NAME = ascii('2PAY.SYS.DDF01');

/** Whether the application can be selected over `iface`. */
export function reachableOver(app: ApplicationEntry, iface: CardInterface): boolean {
  return iface === 'contact' || app.contactless === true;
}

/** The PPSE FCI of a profile, or undefined when the card has no PPSE. */
export function ppseFci(p: CardProfile): Bytes | undefined {
  if (!p.ppse) return undefined;
  const entries: TlvInput[] = p.applications
    .filter((a) => a.contactless === true)
    .map((a) => {
      const entry: TlvInput[] = [
        { tag: '4F', value: fromHex(a.aid) },
        { tag: '50', value: ascii(a.label) },
        { tag: '87', value: uintBytes(a.priority, 1) },
      ];
      if (a.kernelId) entry.push({ tag: '9F2A', value: fromHex(a.kernelId) });
      if (a.extendedSelection) entry.push({ tag: '9F29', value: fromHex(a.extendedSelection) });
      return { tag: '61', children: entry };
    });
  return encodeTlv('6F', [
    { tag: '84', value: PPSE_NAME },
    { tag: 'A5', children: [{ tag: 'BF0C', children: entries }] },
  ]);
}

/**
 * The ATR a PC/SC reader synthesises for an ISO/IEC 14443-4 Type A card (PC/SC
 * Specification Part 3 §3.1.3.2.3.1): 3B 8n 80 01 <historical bytes of the ATS> TCK,
 * i.e. T0 = 8n (TD1 follows, n historical bytes), TD1 = 80 (TD2 follows, T=0 field),
 * TD2 = 01 (T=1), TCK = XOR of T0 .. the last historical byte.
 */
export function contactlessAtr(historical: Bytes): Bytes {
  const body = new Uint8Array(3 + historical.length);
  body[0] = 0x80 | historical.length;
  body[1] = 0x80;
  body[2] = 0x01;
  body.set(historical, 3);
  let tck = 0;
  for (const b of body) tck ^= b;
  const atr = new Uint8Array(body.length + 2);
  atr[0] = 0x3b;
  atr.set(body, 1);
  atr[atr.length - 1] = tck;
  return atr;
}
