/**
 * The public evidence behind counting the ATC at GET PROCESSING OPTIONS (src/card/app/gpo.ts,
 * docs/card-images.md "Sources"): a recorded Visa contactless session (vindastar/
 * Android_HCE_Emulate_A_CreditCard) already carries the ATC in the card's GPO answer.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromHex } from '../../src/apdu/bytes.js';
import { decodeTlv, findTag } from '../../src/apdu/tlv.js';

describe('ATC at GPO: public trace', () => {
  it('the recorded Visa card answers GPO with 9F36 (ATC 03AA) in its format 2 template', () => {
    const session = JSON.parse(readFileSync(new URL('../vectors/contactless/visa-debit-fdda-session.json', import.meta.url), 'utf8')) as { pairs: { command: string; response: string }[] };
    const gpo = session.pairs.find((p) => p.command.toUpperCase().startsWith('80A8'));
    expect(gpo).toBeDefined();
    const body = fromHex(gpo!.response.slice(0, -4));
    const template = decodeTlv(body)[0]!;
    expect(template.tag).toBe('77');
    expect(findTag(template.children!, '9F36')?.value).toEqual(fromHex('03AA'));
  });
});
