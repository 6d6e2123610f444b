/** The transaction log (Book 3 Annex D) and the card/terminal house rule. */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/apdu/bytes.js';
import { createCard } from '../../src/card/index.js';
import { P1, cidType, generateAc, send, startSession, terminalSource } from './helpers.js';

describe('transaction log', () => {
  it('records each finished transaction, newest first, in the 9F4F layout', async () => {
    const card = createCard({ seed: 'log' });
    let s = await startSession(card, 'A0000000031010');
    expect(toHex(s.tags.get('9F4D')!)).toBe('0B0A'); // SFI 11, 10 records
    const tc = await generateAc(card, s.tags.get('8C')!, P1.TC, terminalSource({ amount: 1234, date: '250102' }));
    expect(cidType(tc.cid)).toBe('TC');
    s = await startSession(card, 'A0000000031010');
    await generateAc(card, s.tags.get('8C')!, P1.AAC, terminalSource({ amount: 99, date: '250103', type: '20' }));
    const format = toHex((await send(card, '80CA9F4F00')).data);
    expect(format).toBe('9F4F169F02069F03065F2A029A039C019F36029F27019F1A02');
    // amount | other amount | currency | date | type | ATC | CID | country
    expect(toHex((await send(card, '00B2015C00')).data)).toBe('000000000099' + '000000000000' + '0978' + '250103' + '20' + '0002' + '00' + '0826');
    expect(toHex((await send(card, '00B2025C00')).data)).toBe('000000001234' + '000000000000' + '0978' + '250102' + '00' + '0001' + '40' + '0826');
    expect((await send(card, '00B2035C00')).sw).toBe(0x6a83);
  });
});

describe('house rule', () => {
  it('src/card never imports src/terminal', () => {
    const root = join(import.meta.dirname, '..', '..', 'src', 'card');
    const walk = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : [join(dir, f)]));
    for (const file of walk(root).filter((f) => f.endsWith('.ts'))) {
      expect(readFileSync(file, 'utf8'), file).not.toMatch(/from '(\.\.\/)+terminal\//);
    }
  });
});
