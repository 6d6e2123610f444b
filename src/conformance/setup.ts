/**
 * Turns a scenario's setup into live objects: the emulated card (profile plus
 * deltas on fields, tags, keys, counters and faults), the terminal
 * configuration (profile plus deltas, validated by the terminal's own
 * loader), the host (the in-process issuer simulator or a scripted answer,
 * with issuer scripts built under the card's secure-messaging keys, Book 2
 * §9.2) and the cardholder. The conformance runner is the one place besides
 * src/cli where card, terminal and host meet.
 */
import { existsSync } from 'node:fs';
import { fromHex } from '../apdu/index.js';
import { DocumentError } from '../apdu/index.js';
import { COMMAND_INS, createCard, mergeProfileData, type EmulatedCard, type FaultRule } from '../card/index.js';
import { createPurseCard } from '../card/geldkarte/index.js';
import { documentPath, readYamlDocument } from '../documents/index.js';
import { addIssuerKeys, IssuerHost, loadRules, openSeededDatabase, seedCardFromProfile, seedCards, shippedCardsOfBins, type IssuerDatabase, type SeedCard } from '../issuer/index.js';
import { acDataForCdol1, checkArqc } from '../issuer/index.js';
import { issuerScript } from '../issuer/index.js';
import type { TerminalConfig } from '../terminal/index.js';
import { parseTerminalProfileJson } from '../terminal/index.js';
import type { AuthorisationHost, AuthorisationRequest, AuthorisationResponse } from '../terminal/index.js';
import { issuerKeysOf, ScriptedHost } from '../testing/index.js';
import type { CardSetup, HostSetup, IssuerScriptSetup, TerminalSetup } from './types.js';

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Profile name of the GeldKarte purse card (girocard with the purse applet, src/card/geldkarte). */
export const GELDKARTE_PURSE_PROFILE = 'geldkarte-purse';

/** The card's non-volatile counters a setup names (`cumulativeOfflineAmountMinor` is the card's cumulativeOfflineAmount). */
function nvCounters(counters: NonNullable<CardSetup['counters']>): Record<string, unknown> {
  const { cumulativeOfflineAmountMinor, ...rest } = counters;
  return cumulativeOfflineAmountMinor === undefined ? rest : { ...rest, cumulativeOfflineAmount: cumulativeOfflineAmountMinor };
}

/** The emulated card of a scenario or card script. */
export function buildCard(setup: CardSetup): EmulatedCard {
  if (setup.profile === GELDKARTE_PURSE_PROFILE) {
    const card = createPurseCard(setup.seed !== undefined ? { seed: setup.seed } : {});
    if (setup.counters) Object.assign(card.engine.nv, nvCounters(setup.counters));
    for (const f of setup.faults ?? []) card.faults.add(faultRuleOf(f));
    return card;
  }
  const overrides = cardOverrides(setup);
  const card = createCard({
    profile: setup.profile,
    ...(Object.keys(overrides).length > 0 ? { overrides } : {}),
    ...(setup.seed !== undefined ? { seed: setup.seed } : {}),
  });
  if (setup.counters) Object.assign(card.engine.nv, nvCounters(setup.counters));
  return card;
}

/** The scenario's card deltas as profile overrides (the profile YAML shape). */
export function cardOverrides(setup: CardSetup): Record<string, unknown> {
  const overrides: Record<string, unknown> = { ...(setup.set ?? {}) };
  if (setup.tags) overrides.extraData = { ...(isMapping(overrides.extraData) ? overrides.extraData : {}), ...setup.tags };
  if (setup.keys) overrides.cryptogram = mergeProfileData(overrides.cryptogram ?? {}, { issuerMasterKeys: setup.keys });
  if (setup.faults) overrides.faults = setup.faults;
  return overrides;
}

/** A fault in the profile's YAML shape (command name, hex bytes) as a FaultRule. */
function faultRuleOf(f: Record<string, unknown>): FaultRule {
  const byte = (v: unknown) => (v === undefined ? undefined : parseInt(String(v), 16));
  const rule: FaultRule = { action: f.action as FaultRule['action'] };
  const ins = f.command !== undefined ? COMMAND_INS[String(f.command).toUpperCase()] : byte(f.ins);
  if (ins !== undefined) rule.ins = ins;
  for (const k of ['cla', 'p1', 'p2', 'sw'] as const) {
    const v = byte(f[k]);
    if (v !== undefined) rule[k] = v;
  }
  for (const k of ['occurrence', 'times', 'delayMs', 'keepBytes', 'offset'] as const) if (typeof f[k] === 'number') rule[k] = f[k];
  return rule;
}

const terminalCache = new Map<string, TerminalConfig>();

/** How an error in a terminal profile merged with a scenario's deltas names its file (load.ts maps it back). */
export const TERMINAL_DELTAS = " (with the scenario's terminal deltas)";


/** The terminal configuration: the profile's document with the deltas merged, then the terminal's own validation. */
export function buildTerminal(setup: TerminalSetup): TerminalConfig {
  return structuredClone(checkedTerminal(setup));
}

/** buildTerminal's configuration, shared (not to be changed): for checking a setup when the suite loads. */
export function checkedTerminal(setup: TerminalSetup): TerminalConfig {
  const key = JSON.stringify(setup);
  const cached = terminalCache.get(key);
  if (cached) return cached;
  const file = documentPath('terminal', setup.profile);
  if (!existsSync(file)) throw new DocumentError(`no terminal profile '${setup.profile}'`, { file, field: 'terminal.profile' });
  let data = readYamlDocument(file, 'terminal profile').value as Record<string, unknown>;
  if (setup.set) data = mergeProfileData(data, setup.set) as Record<string, unknown>;
  if (Array.isArray(data.applications)) {
    let apps = data.applications as Record<string, unknown>[];
    if (setup.onlyApplications) {
      const keep = new Set(setup.onlyApplications.map((a) => a.toUpperCase()));
      apps = apps.filter((a) => keep.has(String(a.aid).toUpperCase()));
    }
    if (setup.eachApplication) apps = apps.map((a) => mergeProfileData(a, setup.eachApplication) as Record<string, unknown>);
    data = { ...data, applications: apps };
  }
  // JSON, not YAML text: the deltas were checked in their own (YAML) file; this skips the YAML parser.
  const config = parseTerminalProfileJson(JSON.stringify(data), `${file}${TERMINAL_DELTAS}`);
  terminalCache.set(key, config);
  return config;
}

function cryptogramSettings(card: EmulatedCard) {
  const p = card.engine.profile;
  const c = p.cryptogram;
  return {
    keyDerivation: card.secrets.derivation,
    sessionKey: c.sessionKey,
    padding: c.padding,
    acData: acDataForCdol1(p.cdol1, { iadFormat: p.iadFormat, cvn: c.cvn }),
    arpcMethod: c.arpcMethod,
    arpcKey: c.arpcKey,
    arpcProprietaryData: '',
    scriptMacLength: c.scriptMacLength,
  };
}

/** Builds the issuer script templates for this request, MACed with the card's SMI session key (Book 2 §9.2.1). */
function scriptsFor(card: EmulatedCard, request: AuthorisationRequest, scripts: readonly IssuerScriptSetup[]): Uint8Array[] {
  const s = card.secrets;
  const keys = s.issuerMasterKeys;
  const check = checkArqc(
    { ...cryptogramSettings(card), pan: request.pan, psn: request.panSequenceNumber ?? '00' },
    { label: 'scenario', binFrom: '0', binTo: '9', algorithm: 'tdes', ac: keys.ac, smi: keys.smi, smc: keys.smc },
    request.iccData,
  );
  return scripts.map((sc) => {
    if (sc.raw !== undefined) return fromHex(sc.raw);
    if (!check.ok) throw new DocumentError(`cannot build issuer script '${sc.command}': ${check.reason}`, { field: 'host.scripts' });
    const template = issuerScript(sc.command!, check.context, { ...(sc.template ? { template: sc.template } : {}), macLength: card.engine.profile.cryptogram.scriptMacLength });
    if (sc.badMac) template[template.length - 1] = template[template.length - 1]! ^ 0xff;
    return template;
  });
}

/**
 * Issuer master keys of another issuer: each byte of the card's key
 * complemented, so never equal to the card's and the same on every run.
 */
export function otherIssuerKey(key: Uint8Array): Uint8Array {
  return key.map((b) => b ^ 0xff);
}

/**
 * The in-process issuer simulator with the scenario's card enrolled. With
 * `knowsCardKeys: false` the host holds the card's account but, for this PAN,
 * different issuer master keys (a 12-digit prefix range: the host picks the
 * longest matching BIN range, so it wins over the shipped 6-digit BIN): the
 * ICC master key it derives (Book 2 A1.4) differs from the card's, the ARQC
 * does not verify (Book 2 §8.1.2) and the host declines 05, decided by 'arqc'.
 */
function simulatorHost(setup: HostSetup, card: EmulatedCard, now: Date, scratch: Scratch | undefined): AuthorisationHost {
  const seed = seedCardFromProfile(card.engine.profile, card.secrets.pan);
  seed.psn = card.secrets.panSequenceNumber;
  // Rules first: a rules file that fails to load must not leave a borrowed scratch database locked.
  const rules = setup.rules !== undefined ? loadRules(rulesPath(setup.rules)).rules : [];
  const db = scratch ? scratchDatabase(seed, scratch) : openSeededDatabase(':memory:', [seed], 'same-bins');
  try {
    if (setup.knowsCardKeys === false) addOtherIssuerKeys(db, card);
    return new IssuerHost({ db, clock: () => now.getTime(), rules });
  } catch (err) {
    scratch?.release?.();
    throw err;
  }
}

/** The scenario card's PAN under another issuer's master keys (simulatorHost, `knowsCardKeys: false`). */
function addOtherIssuerKeys(db: IssuerDatabase, card: EmulatedCard): void {
  const imk = card.secrets.issuerMasterKeys;
  const prefix = card.secrets.pan.slice(0, 12);
  addIssuerKeys(db, {
    label: `another issuer's keys for ${prefix}`,
    binFrom: prefix,
    binTo: prefix,
    algorithm: imk.ac.length > 16 ? 'aes' : 'tdes',
    ac: otherIssuerKey(imk.ac),
    smi: otherIssuerKey(imk.smi),
    smc: otherIssuerKey(imk.smc),
  });
}

/**
 * In-memory issuer databases kept for the scenarios of this thread, one per set of shipped cards
 * (the cards of the scenario card's BIN). A scenario borrows one inside an outer transaction (the
 * host's own transactions nest as savepoints) and its release rolls everything back: the next
 * scenario starts from the same seeded state, without copying a database or preparing its
 * statements again. A database already lent (scenarios run at the same time) is not shared: that
 * scenario gets a new database of its own.
 */
const scratchDatabases = new Map<string, { db: IssuerDatabase; lent: boolean }>();

/** What a borrowed scratch database needs to be given back (ScenarioHost.release). */
interface Scratch {
  release?: () => void;
}

function scratchDatabase(seed: SeedCard, scratch: Scratch): IssuerDatabase {
  const shipped = shippedCardsOfBins([seed]);
  const key = shipped.map((c) => `${c.pan}/${c.psn}`).join(',');
  let kept = scratchDatabases.get(key);
  if (kept?.lent) return openSeededDatabase(':memory:', [seed], 'same-bins');
  if (!kept) {
    kept = { db: openSeededDatabase(':memory:', shipped, 'same-bins'), lent: false };
    scratchDatabases.set(key, kept);
  }
  const { db } = kept;
  if (db.inTransaction) db.exec('ROLLBACK'); // never expected: every borrow ends with release()
  db.exec('BEGIN');
  kept.lent = true;
  const lent = kept;
  scratch.release = () => {
    if (db.inTransaction) db.exec('ROLLBACK');
    lent.lent = false;
  };
  try {
    seedCards(db, [seed]);
  } catch (err) {
    scratch.release();
    throw err;
  }
  return db;
}

/** Adds scenario issuer scripts to another host's answers and remembers who decided. */
class ScriptDeliveringHost implements AuthorisationHost {
  calls = 0;
  /** decidedBy of the host's last answer (the issuer rule, 'arqc', 'scripted:approve', ...). */
  decidedBy: string | undefined;
  constructor(
    private readonly inner: AuthorisationHost,
    private readonly card: EmulatedCard,
    private readonly scripts: readonly IssuerScriptSetup[],
    private readonly scratch: Scratch = {},
  ) {}

  release(): void {
    this.scratch.release?.();
  }

  get database(): IssuerDatabase | undefined {
    return this.inner instanceof IssuerHost ? this.inner.db : undefined;
  }

  async authorise(request: AuthorisationRequest): Promise<AuthorisationResponse> {
    this.calls++;
    const answer = await this.inner.authorise(request);
    this.decidedBy = answer.decidedBy;
    if (this.scripts.length === 0) return answer;
    return { ...answer, issuerScripts: [...(answer.issuerScripts ?? []), ...scriptsFor(this.card, request, this.scripts)] };
  }
}

export interface ScenarioHost extends AuthorisationHost {
  /** Number of authorisation requests the terminal sent. */
  readonly calls: number;
  /** decidedBy of the host's last answer. */
  readonly decidedBy: string | undefined;
  /** Gives back what the host borrowed (buildHost's `reuseDatabase`); call when the scenario is over. */
  release(): void;
  /** The simulator's issuer database (undefined for a scripted host): what a test of the sharing looks at. */
  readonly database: IssuerDatabase | undefined;
}

function rulesPath(rules: string): string {
  return documentPath('issuer', rules);
}

/**
 * The scenario's host; `now` pins the simulator's clock. With `reuseDatabase` the simulator borrows
 * this thread's scratch database (see scratchDatabase): call `release()` once the transaction is over.
 */
export function buildHost(setup: HostSetup, card: EmulatedCard, now: Date, options: { reuseDatabase?: boolean } = {}): ScenarioHost {
  let inner: AuthorisationHost;
  const scratch: Scratch = {};
  if (setup.mode === 'simulator') {
    inner = simulatorHost(setup, card, now, options.reuseDatabase ? scratch : undefined);
  } else {
    const arpc = setup.arpc ?? 'correct';
    inner = new ScriptedHost({
      mode: setup.mode,
      ...(setup.responseCode !== undefined ? { declineCode: setup.responseCode } : {}),
      ...(arpc !== 'none' ? { issuerKeys: issuerKeysOf(card) } : {}),
      wrongArpc: arpc === 'wrong',
    });
  }
  return new ScriptDeliveringHost(inner, card, setup.scripts ?? [], scratch);
}
