/**
 * Entry Point (EMV Book B v2.x): Pre-Processing (§3.1), Protocol Activation
 * (§3.2), Combination Selection (§3.3), Kernel Activation (§3.4) and Outcome
 * Processing (§3.5), with the restarts at Start B (Try Again, communication
 * errors), Start C (Select Next, SELECT refused, no kernel) and Start D.
 *
 * I/O only through the injected ports: the card (CardTransport), the
 * proximity hooks (polling, field off), the kernels (ContactlessKernel) and the
 * UI sink. The kernels are pluggable; emvsim ships no payment kernel (the
 * books C-2..C-7 forbid software implementations and C-8 is not public, see
 * docs/contactless.md), only the inspector in src/terminal/card-inspector/.
 */
import { type Bytes, fromHex, toHex } from '../../apdu/index.js';
import { exchange } from '../../apdu/index.js';
import { TransportError } from '../../apdu/index.js';
import type { CardTransport } from '../../apdu/index.js';
import {
  type Candidate,
  type DirectoryEntry,
  PPSE_NAME,
  PpseFormatError,
  buildCandidateList,
  chooseCandidate,
  finalSelectName,
  parsePpse,
  removeCandidate,
  selectCommand,
  visaKernelAdjustment,
} from './combination-selection.js';
import { MESSAGES, type Outcome, type Start, type UiRequest, entryPointOutcome } from './outcome.js';
import { type Combination, type EntryPointTransaction, type PreProcessingIndicators, preProcess } from './pre-processing.js';

/** What Entry Point hands the kernel it activates (§3.4.1.2, §3.4.1.3). */
export interface KernelActivation {
  card: CardTransport;
  start: Start;
  transaction: EntryPointTransaction;
  combination: Combination;
  /** Kernel ID of the selected combination (after §3.3.3.6). */
  kernelId: Bytes;
  /** ADF Name sent in the final SELECT (with Extended Selection when appended). */
  adfName: Bytes;
  indicators: PreProcessingIndicators;
  /** FCI and SW1 SW2 of the SELECT (AID) response (not at Start D, §3.4.1.3). */
  fci: Bytes | undefined;
  sw: number | undefined;
  /** Online response data given with a Start B/D restart. */
  onlineResponse: Bytes | undefined;
}

/** A contactless kernel behind Entry Point: any object with this shape (the kernel port). */
export interface ContactlessKernel {
  /** Kernel ID in hex (e.g. '03', or 3 bytes for an extended ID). */
  readonly kernelId: string;
  readonly name: string;
  activate(activation: KernelActivation): Promise<Outcome>;
}

/** Protocol activation hooks (Book D polling and collision handling live in the reader). */
export interface ProximityHooks {
  /** Power the field and poll until one card is activated (§3.2.1.3). 'collision' = more than one card (§3.2.1.4). */
  activate(card: CardTransport): Promise<'ready' | 'collision'>;
  /** Field off for `holdMs` (§3.5.1.2). */
  fieldOff?(holdMs: number): Promise<void>;
}

export interface EntryPointOptions {
  card: CardTransport;
  combinations: readonly Combination[];
  kernels: readonly ContactlessKernel[];
  ui?: (request: UiRequest) => void;
  proximity?: ProximityHooks;
  /** Restarts (Start B/C) and collision retries allowed in one activation before giving up (default 8). */
  maxRestarts?: number;
}

/** One step Entry Point took, with the Book B requirement behind it. */
export interface EntryPointEvent {
  requirement: string;
  text: string;
}

export interface EntryPointResult {
  outcome: Outcome;
  /** The PPSE answer of the last Combination Selection. */
  ppse: { sw: number; fci: Bytes } | undefined;
  directory: DirectoryEntry[];
  /** The Candidate List as built by §3.3.2.5 (before any removal). */
  candidates: Candidate[];
  /** The combination the kernel was activated with. */
  selected: { candidate: Candidate; kernelId: Bytes; adfName: Bytes; fci: Bytes | undefined; sw: number | undefined; kernel: string } | undefined;
  events: EntryPointEvent[];
}

const defaultProximity: ProximityHooks = {
  activate: async (card) => {
    await card.coldReset();
    return 'ready';
  },
};

type Step = 'pre-processing' | 'protocol-activation' | 'combination-selection' | 'final-selection' | 'kernel-activation' | 'outcome-processing' | 'done';

export class EntryPoint {
  private readonly o: EntryPointOptions;
  private indicators: (PreProcessingIndicators | undefined)[] = [];
  private candidates: Candidate[] = [];
  private chosen: Candidate | undefined;
  private lastOutcome: Outcome | undefined;
  private restart = false;
  private result: EntryPointResult = EntryPoint.emptyResult();

  constructor(options: EntryPointOptions) {
    this.o = options;
  }

  private static emptyResult(): EntryPointResult {
    return { outcome: entryPointOutcome('end-application', { messageId: MESSAGES.insertSwipeOrTryAnotherCard, status: 'ready-to-read' }), ppse: undefined, directory: [], candidates: [], selected: undefined, events: [] };
  }

  private log(requirement: string, text: string): void {
    this.result.events.push({ requirement, text });
  }

  private ui(request: UiRequest): void {
    this.o.ui?.(request);
  }

  /**
   * Activates Entry Point at `start` (A: new transaction; B: protocol activation, e.g. after
   * an online response; C: final selection with the retained candidates; D: the retained kernel).
   */
  async start(transaction: EntryPointTransaction, start: Start = 'A', onlineResponse?: Bytes): Promise<EntryPointResult> {
    const previous = this.result;
    this.result = EntryPoint.emptyResult();
    if (start !== 'A') {
      this.result.ppse = previous.ppse;
      this.result.directory = previous.directory;
      this.result.candidates = previous.candidates;
      this.restart = this.lastOutcome !== undefined;
    } else {
      this.restart = false;
    }
    let step: Step = { A: 'pre-processing', B: 'protocol-activation', C: 'final-selection', D: 'kernel-activation' }[start] as Step;
    let activatedAt: Start = start;
    let restarts = 0;
    const budget = this.o.maxRestarts ?? 8;
    let outcome: Outcome | undefined;
    let selectResponse: { fci: Bytes | undefined; sw: number | undefined } = { fci: undefined, sw: undefined };

    while (step !== 'done') {
      switch (step) {
        case 'pre-processing': {
          const pre = preProcess(this.o.combinations, transaction);
          this.indicators = pre.indicators;
          this.log('3.1.1.1-12', `pre-processing: ${pre.indicators.filter((i) => i && !i.contactlessApplicationNotAllowed).length} of ${this.o.combinations.length} combinations allowed`);
          if (pre.outcome) {
            this.log('3.1.1.13', 'no combination allowed: Try Another Interface');
            outcome = pre.outcome;
            step = 'outcome-processing';
          } else {
            step = 'protocol-activation';
          }
          break;
        }
        case 'protocol-activation': {
          if (!this.restart) {
            if (activatedAt === 'B') {
              // 3.2.1.1: indicators back to 0 with the configured TTQ copied.
              this.indicators = this.indicators.map((ind, i) => ind && resetIndicators(this.o.combinations[i]!));
            }
            this.candidates = [];
          }
          const retained = this.lastOutcome;
          if (this.restart && retained?.parameters.uiRequestOnRestartPresent && retained.uiRequestOnRestart) {
            this.log('3.2.1.2', 'UI Request on Restart');
            this.ui(retained.uiRequestOnRestart);
          } else {
            this.log('3.2.1.2', "UI Request '15' Present Card, Ready to Read");
            this.ui({ messageId: MESSAGES.presentCard, status: 'ready-to-read' });
          }
          const proximity = this.o.proximity ?? defaultProximity;
          let collided = false;
          for (;;) {
            const state = await this.activateProximity(proximity);
            if (state === 'ready') break;
            if (++restarts > budget) throw new TransportError('COLLISION', `${this.o.card.name}: more than one card in the field after ${budget} polls`);
            collided = true;
            this.log('3.2.1.4', "collision: UI Request '19' Please Present One Card Only, Processing Error");
            this.ui({ messageId: MESSAGES.presentOneCardOnly, status: 'processing-error' });
          }
          if (collided) {
            this.log('3.2.1.5', "collision resolved: UI Request '19', Ready to Read");
            this.ui({ messageId: MESSAGES.presentOneCardOnly, status: 'ready-to-read' });
          }
          this.log('3.2.1.3', 'card activated');
          step = 'combination-selection';
          break;
        }
        case 'combination-selection': {
          // 3.3.2.1: a restart at B with online response data goes back to the retained selection.
          if (activatedAt === 'B' && onlineResponse && this.chosen) {
            this.log('3.3.2.1', 'online response data present: final selection of the retained combination');
            this.candidates = [this.chosen, ...removeCandidate(this.candidates, this.chosen)];
            step = 'final-selection';
            break;
          }
          let ppse;
          try {
            ppse = await exchange(this.o.card, selectCommand(PPSE_NAME));
          } catch (err) {
            step = this.communicationError(err, ++restarts, budget);
            break;
          }
          this.result.ppse = { sw: ppse.sw, fci: ppse.data };
          this.log('3.3.2.2', `SELECT PPSE: ${ppse.sw.toString(16).toUpperCase()}`);
          let entries: DirectoryEntry[] = [];
          if (ppse.sw !== 0x9000) {
            this.log('3.3.2.3', 'PPSE not answered 9000: no candidates');
          } else {
            try {
              entries = parsePpse(ppse.data);
            } catch (err) {
              if (!(err instanceof PpseFormatError)) throw err;
              this.log('3.3.2.4', `${err.message}: no directory entries`);
            }
            if (entries.length === 0) this.log('3.3.2.4', 'no directory entry (61): no candidates');
          }
          this.result.directory = entries;
          this.candidates = buildCandidateList(this.o.combinations, this.indicators, entries);
          this.result.candidates = [...this.candidates];
          this.log('3.3.2.5', `candidate list: ${this.candidates.map((c) => `${toHex(c.adfName)}/K${toHex(c.kernelId)}`).join(', ') || 'empty'}`);
          step = 'final-selection';
          break;
        }
        case 'final-selection': {
          const chosen = chooseCandidate(this.candidates);
          if (!chosen) {
            this.log('3.3.2.7', "empty candidate list: End Application, UI Request '1C'");
            outcome = entryPointOutcome('end-application', { messageId: MESSAGES.insertSwipeOrTryAnotherCard, status: 'ready-to-read' });
            step = 'outcome-processing';
            break;
          }
          this.chosen = chosen;
          const combination = this.o.combinations[chosen.combination]!;
          const name = finalSelectName(chosen, combination);
          this.log('3.3.3.2', `selected ${toHex(chosen.adfName)} kernel ${toHex(chosen.kernelId)} (priority ${chosen.priority ?? 'none'}, PPSE order ${chosen.order})`);
          if (name.length !== chosen.adfName.length) this.log('3.3.3.3', `extended selection appended: ${toHex(name)}`);
          let sel;
          try {
            sel = await exchange(this.o.card, selectCommand(name));
          } catch (err) {
            step = this.communicationError(err, ++restarts, budget);
            break;
          }
          this.log('3.3.3.4', `SELECT ${toHex(name)}: ${sel.sw.toString(16).toUpperCase()}`);
          if (sel.sw !== 0x9000) {
            if (activatedAt === 'B' && onlineResponse) {
              this.log('3.3.3.5', "SELECT refused with online response data: End Application, UI Request '1C'");
              outcome = entryPointOutcome('end-application', { messageId: MESSAGES.insertSwipeOrTryAnotherCard, status: 'ready-to-read' });
              step = 'outcome-processing';
              break;
            }
            this.log('3.3.3.5', 'SELECT refused: candidate removed, Start C');
            this.candidates = removeCandidate(this.candidates, chosen);
            if (++restarts > budget) step = this.giveUp();
            break;
          }
          const kernel1 = this.o.kernels.some((k) => k.kernelId.toUpperCase() === '01');
          const kernelId = visaKernelAdjustment(chosen, sel.data, kernel1);
          if (!kernelId) {
            this.log('3.3.3.6', 'Visa AID for Kernel 3 without 9F66 in the PDOL and no Kernel 1: candidate removed, Start C');
            this.candidates = removeCandidate(this.candidates, chosen);
            break;
          }
          if (kernelId !== chosen.kernelId) this.log('3.3.3.6', 'Visa AID without 9F66 in the PDOL: Kernel 1 instead of Kernel 3');
          this.chosen = { ...chosen, kernelId };
          this.candidates = this.candidates.map((c) => (c === chosen ? this.chosen! : c));
          selectResponse = { fci: sel.data, sw: sel.sw };
          this.result.selected = { candidate: this.chosen, kernelId, adfName: name, fci: sel.data, sw: sel.sw, kernel: '' };
          step = 'kernel-activation';
          break;
        }
        case 'kernel-activation': {
          const chosen = this.chosen;
          if (!chosen) throw new Error('Entry Point: Start D without a previously selected combination');
          const kernel = this.o.kernels.find((k) => k.kernelId.toUpperCase() === toHex(chosen.kernelId));
          if (!kernel) {
            this.log('3.4.1.1', `no kernel ${toHex(chosen.kernelId)} in the reader: candidate removed, Start C`);
            this.candidates = removeCandidate(this.candidates, chosen);
            step = 'final-selection';
            break;
          }
          this.log('3.4.1.1', `activating ${kernel.name} (kernel ${kernel.kernelId})`);
          const adfName = this.result.selected?.adfName ?? chosen.adfName;
          this.result.selected = { candidate: chosen, kernelId: chosen.kernelId, adfName, fci: selectResponse.fci, sw: selectResponse.sw, kernel: kernel.name };
          outcome = await kernel.activate({
            card: this.o.card,
            start: activatedAt,
            transaction,
            combination: this.o.combinations[chosen.combination]!,
            kernelId: chosen.kernelId,
            adfName,
            indicators: this.indicators[chosen.combination] ?? resetIndicators(this.o.combinations[chosen.combination]!),
            // 3.4.1.3: FCI and SW1 SW2 of the SELECT, not after a restart at Start D.
            fci: activatedAt === 'D' ? undefined : selectResponse.fci,
            sw: activatedAt === 'D' ? undefined : selectResponse.sw,
            onlineResponse,
          });
          step = 'outcome-processing';
          break;
        }
        case 'outcome-processing': {
          const out = outcome!;
          this.lastOutcome = out;
          if (out.parameters.uiRequestOnOutcomePresent && out.uiRequestOnOutcome) {
            this.log('3.5.1.1', `UI Request on Outcome '${out.uiRequestOnOutcome.messageId.toString(16).toUpperCase()}'`);
            this.ui(out.uiRequestOnOutcome);
          }
          if (out.parameters.fieldOffHoldMs !== undefined) {
            this.log('3.5.1.2', `field off for ${out.parameters.fieldOffHoldMs} ms`);
            await this.o.proximity?.fieldOff?.(out.parameters.fieldOffHoldMs);
          }
          if (out.parameters.status === 'try-again' && ++restarts <= budget) {
            this.log('3.5.1.3', 'Try Again: Start B');
            this.restart = true;
            activatedAt = 'B';
            step = 'protocol-activation';
            break;
          }
          if (out.parameters.status === 'select-next' && this.chosen && ++restarts <= budget) {
            this.log('3.5.1.4', 'Select Next: candidate removed, Start C');
            this.candidates = removeCandidate(this.candidates, this.chosen);
            activatedAt = 'C';
            step = 'final-selection';
            break;
          }
          this.log('3.5.1.4', `final outcome: ${out.parameters.status}`);
          this.result.outcome = out;
          step = 'done';
          break;
        }
      }
    }
    return this.result;
  }

  private async activateProximity(hooks: ProximityHooks): Promise<'ready' | 'collision'> {
    return hooks.activate(this.o.card);
  }

  /** 3.3.3.7: a communication error during selection returns to Start B. */
  private communicationError(err: unknown, restarts: number, budget: number): Step {
    if (!(err instanceof TransportError)) throw err;
    this.log('3.3.3.7', `communication error (${err.message}): Start B`);
    if (restarts > budget) throw err;
    return 'protocol-activation';
  }

  private giveUp(): Step {
    this.candidates = [];
    return 'final-selection';
  }
}

function resetIndicators(c: Combination): PreProcessingIndicators {
  return {
    statusCheckRequested: false,
    contactlessApplicationNotAllowed: false,
    zeroAmount: false,
    readerCvmRequiredLimitExceeded: false,
    readerContactlessFloorLimitExceeded: false,
    ttq: c.ttq ? fromHex(c.ttq) : undefined,
  };
}
