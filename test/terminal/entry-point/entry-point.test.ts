/** Book B Entry Point end to end: protocol activation, selection, kernel activation, outcome processing and restarts. */
import { describe, expect, it } from 'vitest';
import { toHex } from '../../../src/apdu/bytes.js';
import { createCard } from '../../../src/card/index.js';
import {
  type Combination,
  type ContactlessKernel,
  EntryPoint,
  type KernelActivation,
  type Outcome,
  type UiRequest,
  blankParameters,
  decodeOutcomeParameterSet,
  encodeOutcomeParameterSet,
} from '../../../src/terminal/entry-point/index.js';
import { PPSE_SELECT, TableCard, appFci, ppseFci, select } from './fixtures.js';

const tx = { amountAuthorised: 1000, transactionType: 0, currencyExponent: 2 };
const approved: Outcome = { parameters: { ...blankParameters(), status: 'approved', uiRequestOnOutcomePresent: true }, uiRequestOnOutcome: { messageId: 0x03, status: 'card-read-successfully' } };

class FakeKernel implements ContactlessKernel {
  readonly name: string;
  readonly activations: KernelActivation[] = [];
  constructor(readonly kernelId: string, private readonly outcomes: Outcome[]) {
    this.name = `fake kernel ${kernelId}`;
  }
  async activate(a: KernelActivation): Promise<Outcome> {
    this.activations.push(a);
    return this.outcomes.shift() ?? approved;
  }
}

function run(card: TableCard, combinations: Combination[], kernels: ContactlessKernel[], ui: UiRequest[] = []) {
  return new EntryPoint({ card, combinations, kernels, ui: (r) => ui.push(r) });
}
const VISA = 'A0000000031010';
const MC = 'A0000000041010';

describe('Book B §3.2-§3.4 on a table card', () => {
  it('3.2.1.2 Present Card, 3.2.1.3 activation, 3.3.2.2 SELECT PPSE, 3.3.3.4 SELECT AID, 3.4.1.2/3 indicators, FCI and SW to the kernel', async () => {
    const card = new TableCard({ [PPSE_SELECT]: ppseFci([{ aid: VISA, priority: 1, kernelId: '03' }]) + '9000', [select(VISA)]: appFci(VISA, '9F6604') + '9000' });
    const kernel = new FakeKernel('03', []);
    const ui: UiRequest[] = [];
    const r = await run(card, [{ aid: 'A000000003', kernelId: '03', ttq: '36000000', readerCvmRequiredLimit: 500 }], [kernel], ui).start(tx);
    expect(card.resets).toBe(1);
    expect(card.log).toEqual([PPSE_SELECT, select(VISA)]);
    expect(ui[0]).toEqual({ messageId: 0x15, status: 'ready-to-read' });
    expect(ui.at(-1)).toEqual({ messageId: 0x03, status: 'card-read-successfully' });
    expect(r.outcome.parameters.status).toBe('approved');
    const a = kernel.activations[0]!;
    expect(toHex(a.fci!)).toBe(appFci(VISA, '9F6604'));
    expect(a.sw).toBe(0x9000);
    expect(toHex(a.indicators.ttq!)).toBe('36400000'); // 3.1.1.12 CVM required
    expect(r.events.map((e) => e.requirement)).toEqual(expect.arrayContaining(['3.2.1.2', '3.3.2.2', '3.3.2.5', '3.3.3.4', '3.4.1.1', '3.5.1.4']));
  });

  it('3.3.2.3 PPSE not found -> 3.3.2.7 End Application with UI Request 1C', async () => {
    const r = await run(new TableCard({}), [{ aid: 'A000000003', kernelId: '03' }], []).start(tx);
    expect(r.outcome.parameters.status).toBe('end-application');
    expect(r.outcome.uiRequestOnOutcome).toEqual({ messageId: 0x1c, status: 'ready-to-read' });
    expect(r.events.map((e) => e.requirement)).toContain('3.3.2.3');
  });

  it('3.3.2.4 a PPSE FCI without 61 entries (or unparsable) -> End Application', async () => {
    for (const fci of ['6F10840E325041592E5359532E4444463031', '6F05840E32']) {
      const r = await run(new TableCard({ [PPSE_SELECT]: fci + '9000' }), [{ aid: 'A000000003', kernelId: '03' }], []).start(tx);
      expect(r.outcome.parameters.status).toBe('end-application');
      expect(r.events.map((e) => e.requirement)).toContain('3.3.2.4');
    }
  });

  it('3.3.3.5 SELECT refused: the next candidate is tried (Start C)', async () => {
    const card = new TableCard({ [PPSE_SELECT]: ppseFci([{ aid: VISA, priority: 1 }, { aid: MC, priority: 2 }]) + '9000', [select(VISA)]: '6A81', [select(MC)]: appFci(MC) + '9000' });
    const mc = new FakeKernel('02', []);
    const r = await run(card, [{ aid: 'A000000003', kernelId: '03' }, { aid: 'A000000004', kernelId: '02' }], [new FakeKernel('03', []), mc]).start(tx);
    expect(card.log).toEqual([PPSE_SELECT, select(VISA), select(MC)]);
    expect(toHex(r.selected!.adfName)).toBe(MC);
    expect(mc.activations).toHaveLength(1);
  });

  it('3.3.3.7 a communication error during selection returns to Start B (protocol activation again)', async () => {
    const card = new TableCard({ [PPSE_SELECT]: ppseFci([{ aid: VISA }]) + '9000', [select(VISA)]: appFci(VISA, '9F6604') + '9000' });
    card.failAt.add(0);
    const r = await run(card, [{ aid: 'A000000003', kernelId: '03' }], [new FakeKernel('03', [])]).start(tx);
    expect(card.resets).toBe(2);
    expect(r.outcome.parameters.status).toBe('approved');
    expect(r.events.map((e) => e.requirement)).toContain('3.3.3.7');
  });

  it('3.4.1.1 no kernel for the selected combination: removed, Start C, End Application when none is left', async () => {
    const card = new TableCard({ [PPSE_SELECT]: ppseFci([{ aid: VISA }]) + '9000', [select(VISA)]: appFci(VISA, '9F6604') + '9000' });
    const r = await run(card, [{ aid: 'A000000003', kernelId: '03' }], []).start(tx);
    expect(r.outcome.parameters.status).toBe('end-application');
    expect(r.events.map((e) => e.requirement)).toEqual(expect.arrayContaining(['3.4.1.1', '3.3.2.7']));
  });
});

describe('Book B §3.5 outcome processing', () => {
  const card = () => new TableCard({ [PPSE_SELECT]: ppseFci([{ aid: VISA, priority: 1 }, { aid: MC, priority: 2 }]) + '9000', [select(VISA)]: appFci(VISA, '9F6604') + '9000', [select(MC)]: appFci(MC) + '9000' });
  const combos: Combination[] = [{ aid: 'A000000003', kernelId: '03' }, { aid: 'A000000004', kernelId: '02' }];

  it('3.5.1.3 Try Again: Start B, with the UI Request on Restart (3.2.1.2)', async () => {
    const tryAgain: Outcome = { parameters: { ...blankParameters(), status: 'try-again', uiRequestOnRestartPresent: true }, uiRequestOnRestart: { messageId: 0x21, status: 'ready-to-read' } };
    const c = card();
    const ui: UiRequest[] = [];
    const r = await run(c, combos, [new FakeKernel('03', [tryAgain]), new FakeKernel('02', [])], ui).start(tx);
    expect(c.resets).toBe(2);
    expect(ui).toContainEqual({ messageId: 0x21, status: 'ready-to-read' });
    expect(r.outcome.parameters.status).toBe('approved');
  });

  it('a kernel that always asks Try Again ends after maxRestarts with its outcome (guard beyond Book B)', async () => {
    const tryAgain: Outcome = { parameters: { ...blankParameters(), status: 'try-again' } };
    const c = card();
    const ep = new EntryPoint({ card: c, combinations: combos, kernels: [new FakeKernel('03', Array.from({ length: 50 }, () => tryAgain))], maxRestarts: 3 });
    const r = await ep.start(tx);
    expect(r.outcome.parameters.status).toBe('try-again');
    expect(c.resets).toBe(4); // the first activation and three restarts at Start B
  });

  it('3.5.1.4 Select Next: the selected combination is removed and the next one selected (Start C)', async () => {
    const selectNext: Outcome = { parameters: { ...blankParameters(), status: 'select-next' } };
    const c = card();
    const mc = new FakeKernel('02', []);
    const r = await run(c, combos, [new FakeKernel('03', [selectNext]), mc]).start(tx);
    expect(c.log).toEqual([PPSE_SELECT, select(VISA), select(MC)]);
    expect(mc.activations).toHaveLength(1);
    expect(r.outcome.parameters.status).toBe('approved');
  });

  it('3.5.1.2 Field Off Request reaches the proximity hook', async () => {
    const offs: number[] = [];
    const out: Outcome = { parameters: { ...blankParameters(), status: 'declined', fieldOffHoldMs: 1300 } };
    const ep = new EntryPoint({ card: card(), combinations: combos, kernels: [new FakeKernel('03', [out])], proximity: { activate: async (c) => (await c.coldReset(), 'ready'), fieldOff: async (ms) => void offs.push(ms) } });
    expect((await ep.start(tx)).outcome.parameters.status).toBe('declined');
    expect(offs).toEqual([1300]);
  });

  it('3.2.1.4/3.2.1.5 collision: UI Request 19 Processing Error, then 19 Ready to Read', async () => {
    const ui: UiRequest[] = [];
    let polls = 0;
    const ep = new EntryPoint({ card: card(), combinations: combos, kernels: [new FakeKernel('03', [])], ui: (r) => ui.push(r), proximity: { activate: async () => (polls++ === 0 ? 'collision' : 'ready') } });
    await ep.start(tx);
    expect(ui.slice(0, 3)).toEqual([{ messageId: 0x15, status: 'ready-to-read' }, { messageId: 0x19, status: 'processing-error' }, { messageId: 0x19, status: 'ready-to-read' }]);
  });

  it('Start D reactivates the retained kernel without the FCI (3.4.1.3); Start B with online response data reselects the combination (3.3.2.1)', async () => {
    const c = card();
    const visa = new FakeKernel('03', [{ parameters: { ...blankParameters(), status: 'online-request', start: 'B' } }]);
    const ep = run(c, combos, [visa]);
    expect((await ep.start(tx)).outcome.parameters.status).toBe('online-request');
    await ep.start(tx, 'B', Uint8Array.of(0x91, 0x00));
    expect(c.log.slice(-1)).toEqual([select(VISA)]); // no second PPSE
    expect(toHex(visa.activations[1]!.onlineResponse!)).toBe('9100');
    await ep.start(tx, 'D');
    expect(visa.activations[2]!.fci).toBeUndefined();
    expect(visa.activations[2]!.start).toBe('D');
  });
});

describe('Outcome Parameter Set encoding (Book A/C layout)', () => {
  it('encodes and decodes the 8 bytes', () => {
    const p = { ...blankParameters(), status: 'online-request' as const, start: 'B' as const, cvm: 'online-pin' as const, uiRequestOnOutcomePresent: true, receipt: true, fieldOffHoldMs: undefined, removalTimeoutMs: 1500 };
    expect(toHex(encodeOutcomeParameterSet(p))).toBe('3010F02088F0FF0F');
    expect(decodeOutcomeParameterSet(encodeOutcomeParameterSet(p))).toEqual(p);
    expect(() => decodeOutcomeParameterSet(Uint8Array.of(0x80, 0xf0, 0xf0, 0xf0, 0, 0xf0, 0xff, 0))).toThrow(/Status value 8 is RFU at byte offset 0/);
  });
});

describe('Entry Point against the emulated contactless card (contactless-dual)', () => {
  it('selects VISA CREDIT (priority 1, kernel 3) out of the PPSE', async () => {
    const card = createCard({ profile: 'contactless-dual', interface: 'contactless', seed: 3 });
    const kernel = new FakeKernel('03', []);
    const ep = new EntryPoint({ card, combinations: [{ aid: 'A000000003', kernelId: '03' }], kernels: [kernel] });
    const r = await ep.start(tx);
    expect(r.candidates.map((c) => toHex(c.adfName))).toEqual(['A0000000031010', 'A0000000032010']);
    expect(toHex(r.selected!.adfName)).toBe('A0000000031010');
    expect(kernel.activations[0]!.sw).toBe(0x9000);
  });
});
