/** The transact command end to end (card + kernel + host), as the CLI runs it. */
import { describe, expect, it } from 'vitest';
import { runTransact } from '../../src/cli/commands/transact.js';

const base = { terminal: 'eu-pos-pin', type: 'goods' as const, json: false, seed: 1, trace: false, forceOnline: false };

describe('emvsim transact', () => {
  it('demo card, in-process issuer: online approval with PIN and the liability line', async () => {
    const lines: string[] = [];
    const o = await runTransact({ ...base, amount: '60.00', pin: ['1234'] }, (l) => lines.push(l));
    expect(o.outcome).toBe('approved');
    expect(o.authorisationResponseCode).toBe('00');
    expect(lines.some((l) => l.startsWith('> cardholder-verification'))).toBe(true);
    expect(lines.some((l) => l.startsWith('LIABILITY    issuer (rule chip-and-pin)'))).toBe(true);
  });
  it('repeated --pin entries are used in order; JSON carries the masked trace', async () => {
    const lines: string[] = [];
    const o = await runTransact({ ...base, amount: '10.00', pin: ['9999', '1234'], json: true, online: 'approve' }, (l) => lines.push(l));
    const json = JSON.parse(lines.join('\n')) as { cvmResults: string; pinTryCounter: number; trace: { name?: string; command?: string }[] };
    expect(json.cvmResults).toBe('410302');
    expect(json.pinTryCounter).toBe(3);
    const verifies = json.trace.filter((t) => t.command?.startsWith('00200080'));
    expect(verifies.length).toBe(2);
    for (const v of verifies) expect(v.command).toMatch(/^0020008008(XX){8}$/);
    expect(o.outcome).toBe('approved');
  });
  it('rejects a malformed amount', async () => {
    await expect(runTransact({ ...base, amount: '12,34', pin: [] }, () => {})).rejects.toThrow(/not a decimal amount/);
  });
});
