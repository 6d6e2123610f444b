import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DocumentError } from '../../src/apdu/errors.js';
import { loadRules, parseRules } from '../../src/issuer/rules/load.js';
import { authRequest, repoRoot, testCard, testHost } from './fixtures.js';

const rules = (yaml: string) => parseRules(yaml, 'rules.yaml').rules;

describe('rule file validation', () => {
  it('loads the shipped scripts/issuer/rules.yaml', () => {
    const set = loadRules(path.join(repoRoot, 'scripts', 'issuer', 'rules.yaml'));
    expect(set.rules.map((r) => r.name)).toContain('geoblocking');
  });

  it.each([
    ['rules:\n  - name: a\n    type: amount-history\n    factor: -2\n    last: 5\n    action: approve\n', 4, 'rules.0.factor'],
    // 0 passes the schema's minimum; a factor must be above it (the loader's check).
    ['rules:\n  - name: a\n    type: amount-history\n    factor: 0\n    last: 5\n    action: approve\n', 4, 'rules.0.factor'],
    ['rules:\n  - name: a\n    type: velocity\n    windowSeconds: 60\n    counting: sometimes\n    maxCount: 2\n    action: approve\n', 5, 'rules.0.counting'],
    ['rules:\n  - name: a\n    type: velocity\n    windowSeconds: 60\n    action: approve\n', 2, 'rules.0'],
    ['rules:\n  - name: a\n    type: block-list\n    field: mcc\n    values: ["79"]\n    action: decline\n', 5, 'rules.0.values.0'],
    ['rules:\n  - name: a\n    type: block-list\n    field: merchant\n    values: [x]\n    action: decline\n    code: "00"\n', 7, 'rules.0.code'],
    ['rules:\n  - name: a\n    type: foreign-country\n    action: approve-with-script\n    script: self-destruct\n', 5, 'rules.0.script'],
    ['rules:\n  - name: a\n    type: foreign-country\n    action: approve\n    colour: red\n', 5, 'rules.0.colour'],
    ['rules:\n  - name: a\n    type: foreign-country\n    action: approve\n  - name: a\n    type: foreign-country\n    action: approve\n', 5, 'rules.1.name'],
    ['rules:\n  - name: Bad Name\n    type: foreign-country\n    action: approve\n', 2, 'rules.0.name'],
    ['rules:\n  - name: a\n    type: teleport\n    action: approve\n', 3, 'rules.0.type'],
  ])('rejects %j naming line %i and field %s', (yaml, line, field) => {
    let error: unknown;
    try {
      rules(yaml);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DocumentError);
    const e = error as DocumentError;
    expect(e.file).toBe('rules.yaml');
    expect(e.field).toBe(field);
    expect(e.line).toBe(line);
    expect(e.message).toContain(`rules.yaml:${line}: ${field}`);
  });
});

describe('rules in the decision', () => {
  it('amount against history: over k x the mean of the last n approved -> suspected fraud 59, named in answer and ledger', async () => {
    const r = rules('rules:\n  - name: amount-spike\n    type: amount-history\n    factor: 3\n    last: 4\n    minHistory: 3\n    action: decline\n    code: "59"\n');
    const { host, db } = testHost([testCard()], { rules: r });
    for (let atc = 1; atc <= 3; atc++) expect((await host.authorise(authRequest({ atc, amountMinor: 1_000 }))).responseCode).toBe('00');
    expect((await host.authorise(authRequest({ atc: 4, amountMinor: 3_000 }))).responseCode).toBe('00'); // 3000 = 3 x 1000, not over
    const answer = await host.authorise(authRequest({ atc: 5, amountMinor: 6_000 })); // mean of last 4 = 1500; 6000 > 4500
    expect(answer).toMatchObject({ responseCode: '59', decidedBy: 'amount-spike' });
    const logged = db.prepare('SELECT rule, action FROM rule_decisions').all();
    expect(logged).toEqual([{ rule: 'amount-spike', action: 'decline' }]);
    expect(db.prepare("SELECT decided_by FROM authorisations WHERE response_code = '59'").get()).toEqual({ decided_by: 'amount-spike' });
  });

  it('foreign country: declined unless the card is travel-enabled', async () => {
    const r = rules('rules:\n  - name: geoblocking\n    type: foreign-country\n    action: decline\n    code: "62"\n');
    const home = testHost([testCard()], { rules: r });
    expect((await home.host.authorise(authRequest({ atc: 1, terminalCountry: '0826' }))).responseCode).toBe('00');
    expect(await home.host.authorise(authRequest({ atc: 2, terminalCountry: '0840' }))).toMatchObject({ responseCode: '62', decidedBy: 'geoblocking' });
    const traveller = testHost([testCard({ travelEnabled: true })], { rules: r });
    expect((await traveller.host.authorise(authRequest({ atc: 1, terminalCountry: '0840' }))).responseCode).toBe('00');
  });

  it('velocity: count and amount per window', async () => {
    const r = rules(
      'rules:\n  - name: burst\n    type: velocity\n    windowSeconds: 60\n    maxCount: 2\n    action: decline\n    code: "65"\n' +
        '  - name: amount-hour\n    type: velocity\n    windowSeconds: 3600\n    maxAmountMinor: 5000\n    action: refer\n',
    );
    let now = Date.UTC(2025, 5, 15, 12);
    const { host } = testHost([testCard()], { rules: r, clock: () => now });
    expect((await host.authorise(authRequest({ atc: 1, amountMinor: 2_000 }))).responseCode).toBe('00');
    expect((await host.authorise(authRequest({ atc: 2, amountMinor: 2_000 }))).responseCode).toBe('00');
    expect(await host.authorise(authRequest({ atc: 3, amountMinor: 100 }))).toMatchObject({ responseCode: '65', decidedBy: 'burst' });
    now += 120_000; // outside the 60 s window, inside the hour: 4000 + 1500 > 5000 -> refer (01)
    expect(await host.authorise(authRequest({ atc: 4, amountMinor: 1_500 }))).toMatchObject({ responseCode: '01', decidedBy: 'amount-hour' });
  });

  it('block and allow lists: the first rule that fires decides; later firings are logged as not deciding', async () => {
    const r = rules(
      'rules:\n  - name: vip-merchant\n    type: allow-list\n    field: merchant\n    values: ["VIPSHOP"]\n    action: approve\n' +
        '  - name: no-gambling\n    type: block-list\n    field: mcc\n    values: ["7995"]\n    action: decline\n    code: "57"\n' +
        '  - name: bad-country\n    type: block-list\n    field: country\n    values: ["408"]\n    action: decline\n    code: "62"\n',
    );
    const { host, db } = testHost([testCard({ travelEnabled: true })], { rules: r });
    expect(await host.authorise(authRequest({ atc: 1, mcc: '7995' }))).toMatchObject({ responseCode: '57', decidedBy: 'no-gambling' });
    expect(await host.authorise(authRequest({ atc: 2, mcc: '7995', merchantId: 'VIPSHOP' }))).toMatchObject({ responseCode: '00', decidedBy: 'vip-merchant' });
    expect(await host.authorise(authRequest({ atc: 3, terminalCountry: '0408' }))).toMatchObject({ responseCode: '62', decidedBy: 'bad-country' });
    const logged = db.prepare('SELECT rule, action FROM rule_decisions ORDER BY rowid').all();
    expect(logged).toEqual([
      { rule: 'no-gambling', action: 'decline' },
      { rule: 'vip-merchant', action: 'approve' },
      { rule: 'no-gambling', action: 'decline (not deciding)' },
      { rule: 'bad-country', action: 'decline' },
    ]);
  });

  it('approve with a script: the rule asks for APPLICATION UNBLOCK in template 72', async () => {
    const r = rules('rules:\n  - name: unblock-at-branch\n    type: allow-list\n    field: terminal\n    values: ["BRANCH01"]\n    action: approve-with-script\n    script: application-unblock\n');
    const { host } = testHost([testCard()], { rules: r });
    const answer = await host.authorise(authRequest({ atc: 1, terminalId: 'BRANCH01' }));
    expect(answer.responseCode).toBe('00');
    expect(answer.decidedBy).toBe('unblock-at-branch');
    expect(Buffer.from(answer.issuerScripts![0]!).toString('hex').toUpperCase()).toMatch(/^72169F180400000001860D8418000008[0-9A-F]{16}$/);
  });
});
