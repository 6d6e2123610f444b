/**
 * Typical typos and mistakes in every document type: each is rejected with a
 * DocumentError naming the file the user gave, the line and the field, with
 * "did you mean" where a known name is close (issue 17 item 1).
 */
import { describe, expect, it } from 'vitest';
import { DocumentError } from '../../src/apdu/errors.js';
import { issueCard, loadProfile, parseCardImage, parseProfile } from '../../src/card/index.js';
import { parseMerchantState } from '../../src/card/geldkarte/merchant-state.js';
import { parseConformanceFile } from '../../src/conformance/load.js';
import { checkDocument, clearingFileSchema, parseJsonSource, parseYamlSource } from '../../src/documents/index.js';
import { parseRules } from '../../src/issuer/index.js';
import { parseTerminalProfile } from '../../src/terminal/config-loader.js';
import { parseKeyFile } from '../../src/terminal/key-file.js';
import { parseLiabilityTable } from '../../src/terminal/liability.js';

type Kind = 'terminal' | 'card' | 'liability' | 'issuer' | 'scenario' | 'keys' | 'cardFile' | 'merchant' | 'clearing' | 'yaml';

const APP = 'applications:\n  - aid: A0000000031010\n';
const SCENARIO = (body: string) => `id: typo\ntitle: a typo\nspec: Book 3\n${body}transaction: { amountMinor: 100 }\nexpect: { outcome: approved }\n`;
const RULE = (body: string) => `rules:\n  - id: r1\n    party: issuer\n    reason: because\n${body}`;
const ISSUER = (body: string) => `rules:\n  - name: r1\n${body}`;

const cardImage = issueCard(loadProfile('visa-cvn18'), { seed: 'typos' });
const cardFile = (edit: (image: Record<string, any>) => void) => {
  const image = structuredClone(cardImage) as unknown as Record<string, any>;
  edit(image);
  return JSON.stringify(image, null, 1);
};
const PURSE = {
  format: 'emvsim-geldkarte-purse', efId: '00'.repeat(24), efBoerse: '00'.repeat(27), debitKey: '00'.repeat(16), loadKey: '00'.repeat(16),
  maxBalance: 20000, maxTransaction: 20000, maxWithoutMac: 0, balance: 100, lseq: 1, bseq: 1, llog: [], blog: [],
};
const merchant = {
  format: 'emvsim-geldkarte-merchant', version: 1, name: 'm', merchantId: '6725050190000000042D', debitMasterKey: '00'.repeat(16), merchantKey: '11'.repeat(16),
  hseq: 0, sseq: 1, debitTotal: 0, refundTotal: 0, records: [] as unknown, parked: [],
};
const clearing = { format: 'emvsim-geldkarte-clearing', settled: [] as unknown, merchantAccounts: {}, openUnknowns: [], resolvedUnknowns: [], missingSummaries: {}, warnings: [] };

function load(kind: Kind, text: string, file: string): unknown {
  switch (kind) {
    case 'terminal': return parseTerminalProfile(text, file);
    case 'card': return parseProfile(text, file);
    case 'liability': return parseLiabilityTable(text, file);
    case 'issuer': return parseRules(text, file);
    case 'scenario': return parseConformanceFile(text, file);
    case 'keys': return parseKeyFile(text, file).key('zpkTdes', [16]);
    case 'cardFile': return parseCardImage(text, file);
    case 'merchant': return parseMerchantState(text, file);
    case 'clearing': return checkDocument(parseJsonSource(text, file), clearingFileSchema);
    case 'yaml': return parseYamlSource(text, file);
  }
}

// [kind, what, text, line, field, message fragment]
const CASES: [Kind, string, string, number | undefined, string, string][] = [
  ['terminal', 'floorLimt', `${APP}    floorLimt: 5000\n`, 3, 'applications.0.floorLimt', "did you mean 'floorLimitMinor'"],
  ['terminal', 'floorLimitMinr', `${APP}    floorLimitMinr: 5000\n`, 3, 'applications.0.floorLimitMinr', "did you mean 'floorLimitMinor'"],
  ['terminal', 'bogusKey', `bogusKey: 1\n${APP}`, 1, 'bogusKey', 'unknown field'],
  ['terminal', 'tac: 5', `${APP}    tac: 5\n`, 3, 'applications.0.tac', 'must be a mapping'],
  ['terminal', 'countryCode: null', `countryCode: null\n${APP}`, 1, 'countryCode', 'got null'],
  ['terminal', 'terminalTyp', `terminalTyp: "22"\n${APP}`, 1, 'terminalTyp', "did you mean 'terminalType'"],
  ['terminal', 'pinPad.presnt', `pinPad: { presnt: true }\n${APP}`, 1, 'pinPad.presnt', "did you mean 'present'"],
  ['terminal', 'currencyExponent 5', `currencyExponent: 5\n${APP}`, 1, 'currencyExponent', 'above the maximum 3'],
  ['terminal', 'capabilities 2 bytes', `capabilities: E0F8\n${APP}`, 1, 'capabilities', 'must be 3 bytes of hex, got 2'],
  ['terminal', 'scheme vsia', `${APP}    scheme: vsia\n`, 3, 'applications.0.scheme', "did you mean 'visa'"],
  ['terminal', 'onlinePin format 2', `onlinePin: { format: 2, key: 0123456789ABCDEFFEDCBA9876543210 }\n${APP}`, 1, 'onlinePin.format', 'format 2 is not for online PIN'],
  ['terminal', 'targetPercent 150', `${APP}    randomSelection: { targetPercent: 150 }\n`, 3, 'applications.0.randomSelection.targetPercent', 'above the maximum 99'],
  ['terminal', 'no applications', 'name: x\n', 1, 'applications', 'is required'],
  ['card', 'cvmLst', 'base: visa-cvn18\ncvmLst: "00"\n', 2, 'cvmLst', "did you mean 'cvmList'"],
  ['card', 'derived profile without priority', 'base: visa-cvn18\napplications:\n  - aid: A0000000031010\n    label: VISA\n', 3, 'applications.0.priority', 'is required'],
  ['card', 'PDOL 9F33FF', 'base: visa-cvn18\npdol: 9F33FF\n', 2, 'pdol', 'length field FF'],
  ['card', 'risk typo', 'base: visa-cvn18\nrisk:\n  lowerConsecutiveOfflineLimt: 2\n', 3, 'risk.lowerConsecutiveOfflineLimt', "did you mean 'lowerConsecutiveOfflineLimit'"],
  ['card', 'sessionKey comon', 'cryptogram:\n  sessionKey: comon\n', 2, 'cryptogram.sessionKey', "did you mean 'common'"],
  ['card', 'oda DDA', 'oda: DDA\n', 1, 'oda', "did you mean 'dda'"],
  ['card', 'pinTryLimit 20', 'pinTryLimit: 20\n', 1, 'pinTryLimit', 'above the maximum 15'],
  ['card', 'expiry month 13', 'expiry: "2913"\n', 1, 'expiry', 'YYMM or YYMMDD'],
  ['card', 'iac 2 bytes', 'iac:\n  online: FFFF\n', 2, 'iac.online', 'must be 5 bytes of hex, got 2'],
  ['liability', 'whn', `${RULE('    whn: { scheme: visa }\n')}`, 5, 'rules.0.whn', "did you mean 'when'"],
  ['liability', 'fact sheme', `${RULE('    when: { sheme: visa }\n')}`, 5, 'rules.0.when.sheme', "unknown fact 'sheme' (did you mean 'scheme'?)"],
  ['liability', 'party bank', 'rules:\n  - id: r1\n    party: bank\n    reason: x\n', 3, 'rules.0.party', 'one of issuer'],
  ['issuer', 'windowSecond', ISSUER('    type: velocity\n    action: approve\n    windowSecond: 60\n'), 5, 'rules.0.windowSecond', "did you mean 'windowSeconds'"],
  ['issuer', 'minAmountMinor in major units', ISSUER('    type: amount-threshold\n    action: decline\n    minAmountMinor: 50.00\n'), 5, 'rules.0.minAmountMinor', "'50.00' is not an integer in minor units"],
  ['issuer', 'maxAmountMinor too large', ISSUER('    type: velocity\n    action: decline\n    maxAmountMinor: 9007199254740993\n'), 5, 'rules.0.maxAmountMinor', 'too large for this amount'],
  ['issuer', 'action aprove', ISSUER('    type: foreign-country\n    action: aprove\n'), 4, 'rules.0.action', "did you mean 'approve'"],
  ['scenario', 'eachApplication floorLimt', SCENARIO('terminal: { eachApplication: { floorLimt: 0 } }\n'), 4, 'terminal.eachApplication.floorLimt', "did you mean 'floorLimitMinor'"],
  ['scenario', 'terminal.set terminalTyp', SCENARIO('terminal:\n  set:\n    terminalTyp: "22"\n'), 6, 'terminal.set.terminalTyp', "did you mean 'terminalType'"],
  ['scenario', 'card.set cvmLst', SCENARIO('card:\n  set: { cvmLst: "00" }\n'), 5, 'card.set.cvmLst', "did you mean 'cvmList'"],
  ['scenario', 'card.set pdol 9F33FF', SCENARIO('card:\n  set:\n    pdol: 9F33FF\n'), 6, 'card.set.pdol', 'length field FF'],
  ['scenario', 'card.set tac-like type error', SCENARIO('card:\n  set:\n    iac: 5\n'), 6, 'card.set.iac', 'must be a mapping'],
  ['scenario', 'transaction amout', 'id: typo\ntitle: t\nspec: s\ntransaction: { amout: 100 }\nexpect: { outcome: approved }\n', 4, 'transaction.amout', "unknown field (did you mean 'amountMinor'?)"],
  ['scenario', 'transaction without an amount', 'id: typo\ntitle: t\nspec: s\ntransaction: { type: goods }\nexpect: { outcome: approved }\n', 4, 'transaction.amountMinor', 'is required'],
  ['card', 'required label misspelt', 'base: visa-cvn18\napplications:\n  - aid: A0000000031010\n    lable: VISA\n    priority: 1\n', 4, 'applications.0.lable', "did you mean 'label'"],
  ['scenario', 'expect outcom', 'id: typo\ntitle: t\nspec: s\ntransaction: { amountMinor: 100 }\nexpect:\n  outcome: approved\n  outcom: declined\n', 7, 'expect.outcom', "did you mean 'outcome'"],
  ['scenario', 'host mode simulater', SCENARIO('host: { mode: simulater }\n'), 4, 'host.mode', "did you mean 'simulator'"],
  ['scenario', 'card.set cross-field rule', SCENARIO('card:\n  set:\n    oda: none\n    pinEnciphermentKey: true\n'), 7, 'card.set.pinEnciphermentKey', "oda must not be 'none'"],
  ['scenario', 'missing card profile', SCENARIO('card: { profile: visa-cvn81 }\n'), 4, 'card.profile', "no card profile 'visa-cvn81'"],
  ['scenario', 'missing terminal profile', SCENARIO('terminal: { profile: eu-pos-pinn }\n'), 4, 'terminal.profile', "no terminal profile 'eu-pos-pinn'"],
  ['scenario', 'terminal threshold above floor limit', SCENARIO('terminal:\n  eachApplication: { floorLimitMinor: 100, randomSelection: { thresholdMinor: 200 } }\n'), 5, 'terminal.eachApplication.randomSelection.thresholdMinor', 'must not exceed the floor limit'],
  ['scenario', 'card script with a card.set cross-field error', 'kind: card-script\nid: s1\ntitle: t\nspec: s\ncard:\n  set: { oda: none, pinEnciphermentKey: true }\nsteps:\n  - command: 00A4040007A000000003101000\n', 6, 'card.set.pinEnciphermentKey', "oda must not be 'none'"],
  ['scenario', 'amount in major units', 'id: typo\ntitle: t\nspec: s\ntransaction: { amountMinor: 8.00 }\nexpect: { outcome: approved }\n', 4, 'transaction.amountMinor', "'8.00' is not an integer in minor units"],
  ['terminal', 'floor limit in major units', `${APP}    floorLimitMinor: 50.00\n`, 3, 'applications.0.floorLimitMinor', "'50.00' is not an integer in minor units"],
  // Money fields say their unit in their name (docs/documents.md "Amounts"): each former name is refused with its new one.
  ['scenario', 'former name amount', 'id: typo\ntitle: t\nspec: s\ntransaction: { amount: 800 }\nexpect: { outcome: approved }\n', 4, 'transaction.amount', "'amount' was renamed 'amountMinor' (an integer in minor units: 800 is 8.00 EUR"],
  ['scenario', 'former name otherAmount', SCENARIO('').replace('amountMinor: 100', 'amountMinor: 100, otherAmount: 50'), 4, 'transaction.otherAmount', "'otherAmount' was renamed 'otherAmountMinor'"],
  ['scenario', 'former name log amount', SCENARIO('').replace('amountMinor: 100', 'amountMinor: 100, log: [{ pan: card, amount: 100 }]'), 4, 'transaction.log.0.amount', "'amount' was renamed 'amountMinor'"],
  ['scenario', 'former name counters.cumulativeOfflineAmount', SCENARIO('card: { counters: { cumulativeOfflineAmount: 100 } }\n'), 4, 'card.counters.cumulativeOfflineAmount', "renamed 'cumulativeOfflineAmountMinor'"],
  ['scenario', 'former name eachApplication floorLimit', SCENARIO('terminal: { eachApplication: { floorLimit: 0 } }\n'), 4, 'terminal.eachApplication.floorLimit', "'floorLimit' was renamed 'floorLimitMinor'"],
  ['scenario', 'former name card.set risk limit', SCENARIO('card:\n  set:\n    risk: { cumulativeOfflineAmountLimit: 100 }\n'), 6, 'card.set.risk.cumulativeOfflineAmountLimit', "renamed 'cumulativeOfflineAmountLimitMinor'"],
  ['scenario', 'amount too large for n12', SCENARIO('').replace('amountMinor: 100', 'amountMinor: 1000000000000'), 4, 'transaction.amountMinor', 'too large for this amount: the maximum is 999999999999'],
  ['terminal', 'former name floorLimit', `${APP}    floorLimit: 5000\n`, 3, 'applications.0.floorLimit', "'floorLimit' was renamed 'floorLimitMinor' (an integer in minor units"],
  ['terminal', 'former name randomSelection.threshold', `${APP}    randomSelection: { threshold: 1000 }\n`, 3, 'applications.0.randomSelection.threshold', "'threshold' was renamed 'thresholdMinor'"],
  ['terminal', 'floor limit too large for 9F1B', `${APP}    floorLimitMinor: 4294967296\n`, 3, 'applications.0.floorLimitMinor', 'too large for this amount: the maximum is 4294967295'],
  ['card', 'former name risk.cumulativeOfflineAmountLimit', 'base: visa-cvn18\nrisk:\n  cumulativeOfflineAmountLimit: 20000\n', 3, 'risk.cumulativeOfflineAmountLimit', "'cumulativeOfflineAmountLimit' was renamed 'cumulativeOfflineAmountLimitMinor'"],
  ['card', 'cumulative limit in major units', 'base: visa-cvn18\nrisk:\n  cumulativeOfflineAmountLimitMinor: 200.00\n', 3, 'risk.cumulativeOfflineAmountLimitMinor', "'200.00' is not an integer in minor units"],
  ['keys', 'key not hex', 'zpkTdes: XYZ\n', 1, 'zpkTdes', 'hex'],
  ['cardFile', 'purse balance -1', cardFile((i) => (i.state.applets = { geldkarte: { ...PURSE, balance: -1 } })), undefined, 'state.applets.geldkarte.balance', 'below the minimum 0'],
  ['cardFile', 'purse balance above the maximum', cardFile((i) => (i.state.applets = { geldkarte: { ...PURSE, balance: 50000 } })), undefined, 'state.applets.geldkarte.balance', "above the purse's maximum balance of 20000"],
  ['cardFile', 'purse blog null', cardFile((i) => (i.state.applets = { geldkarte: { ...PURSE, blog: null } })), undefined, 'state.applets.geldkarte.blog', 'must be a list'],
  ['cardFile', 'top-level stat', cardFile((i) => { i.stat = i.state; }), undefined, 'stat', "did you mean 'state'"],
  ['cardFile', 'profile.risk typo', cardFile((i) => (i.profile.risk.lowerConsecutiveOfflineLimt = 2)), undefined, 'profile.risk.lowerConsecutiveOfflineLimt', "did you mean 'lowerConsecutiveOfflineLimit'"],
  ['merchant', 'records null', JSON.stringify({ ...merchant, records: null }, null, 1), 12, 'records', 'must be a list'],
  ['clearing', 'settled not a list', JSON.stringify({ ...clearing, settled: 'x' }, null, 1), 3, 'settled', 'must be a list'],
  ['yaml', 'alias bomb', 'a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n', undefined, '(document)', 'too many alias expansions'],
  ['yaml', 'duplicate key', 'a: 1\na: 2\n', 2, '(document)', 'unique'],
];

describe('typos and mistakes are rejected at file:line:field', () => {
  it('has at least 30 cases', () => expect(CASES.length).toBeGreaterThanOrEqual(30));
  it.each(CASES)('%s: %s', (kind, _what, text, line, field, fragment) => {
    const file = `/home/user/${kind}.yaml`;
    let error: unknown;
    try {
      load(kind, text, file);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DocumentError);
    const e = error as DocumentError;
    expect(e.file).toBe(file);
    expect(e.field).toBe(field);
    if (line !== undefined) expect(e.line).toBe(line);
    expect(e.message).toContain(fragment);
    expect(e.message.startsWith(`${file}${e.line !== undefined ? `:${e.line}` : ''}: ${field}: `)).toBe(true);
  });
});
