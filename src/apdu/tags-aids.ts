/**
 * Application identifiers (AIDs, ISO/IEC 7816-5: RID of 5 bytes + PIX) seen in
 * PSE/PPSE directories of international and German cards, for naming tags 4F,
 * 84 and 9F06. German entries from the ZKA/DK registrations (RID D276000025 for
 * the national Geldkarte and girocard applications, A000000059 for girocard,
 * A000000359 for EAPS); see docs/sources.md §1.
 */
const KNOWN_AIDS: ReadonlyMap<string, string> = new Map([
  ['A0000000031010', 'Visa Credit/Debit'],
  ['A0000000032010', 'Visa Electron'],
  ['A0000000032020', 'V PAY'],
  ['A0000000038010', 'Visa Plus'],
  ['A0000000041010', 'Mastercard Credit/Debit'],
  ['A0000000043060', 'Maestro'],
  ['A0000000046000', 'Cirrus'],
  ['A00000002501', 'American Express'],
  ['A0000000651010', 'JCB'],
  ['A0000001523010', 'Discover'],
  ['A0000003330101', 'UnionPay'],
  ['A00000005945430100', 'girocard electronic cash (ZKA)'],
  ['A0000003591010028001', 'girocard (EAPS)'],
  ['D27600002547410100', 'girocard (ZKA national RID)'],
  ['D27600002545500200', 'Geldkarte purse (EUR, since 2000)'],
  ['D27600002545500100', 'Geldkarte purse (DM, old)'],
]);

/** Known application RIDs (first 5 bytes of an AID). */
const KNOWN_RIDS: ReadonlyMap<string, string> = new Map([
  ['A000000003', 'Visa'],
  ['A000000004', 'Mastercard'],
  ['A000000025', 'American Express'],
  ['A000000065', 'JCB'],
  ['A000000152', 'Discover'],
  ['A000000333', 'UnionPay'],
  ['A000000059', 'girocard (Deutsche Kreditwirtschaft)'],
  ['A000000359', 'EAPS'],
  ['D276000025', 'ZKA / Deutsche Kreditwirtschaft'],
]);

/** Name of an AID given in hex: exact match, else longest known prefix, else its RID's owner. */
export function aidName(aidHex: string): string | undefined {
  const aid = aidHex.toUpperCase();
  const exact = KNOWN_AIDS.get(aid);
  if (exact) return exact;
  let best: string | undefined;
  let bestLength = 0;
  for (const [known, name] of KNOWN_AIDS) {
    if (aid.startsWith(known) && known.length > bestLength) {
      best = name;
      bestLength = known.length;
    }
  }
  if (best) return best;
  const rid = KNOWN_RIDS.get(aid.slice(0, 10));
  return rid ? `${rid} application` : undefined;
}

/**
 * The schemes whose proprietary tags this library reads differently (9F53, 9F66, 9F6C, 9F6E, 9F7C: Visa
 * Book C-3, Mastercard Book C-2, UnionPay Book C-7 give the same tag different meanings).
 */
export type TagScheme = 'visa' | 'mastercard' | 'unionpay';

const SCHEME_RIDS: ReadonlyMap<string, TagScheme> = new Map([
  ['A000000003', 'visa'],
  ['A000000004', 'mastercard'],
  ['A000000333', 'unionpay'],
]);

/** The scheme of an AID (hex) by its RID (ISO/IEC 7816-5), when it is one of TagScheme. */
export function schemeOfAid(aidHex: string | undefined): TagScheme | undefined {
  return aidHex === undefined ? undefined : SCHEME_RIDS.get(aidHex.slice(0, 10).toUpperCase());
}
