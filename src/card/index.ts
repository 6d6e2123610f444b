/**
 * src/card: the emulated EMV contact chip card (EMV 4.3 Books 1-3, CCD-style
 * payment application). Public API:
 *
 *   createCard({ profile: 'visa-cvn18', overrides?, seed?, protocol? }): EmulatedCard
 *       A fresh in-memory card from a shipped profile (scripts/cards/NAME.yaml), a profile
 *       file path, or a CardProfile object. `overrides` has the YAML shape
 *       ({ iac: { online: '...' }, cvmList: '...' }). `seed` makes PAN, keys and challenges
 *       deterministic. Fast: ICC keys come from a shipped pool, so tests can make hundreds.
 *   createDemoCard(): EmulatedCard     the demo card used by `emvsim transact` without
 *       --card: profile visa-cvn18, PIN 1234, PAN 4761739001010010 (a fresh copy each call).
 *   loadCard(file): EmulatedCard       a card file written by `emvsim card new`; every state
 *       change (ATC, PIN try counter, ...) is written back atomically. A file with a GeldKarte
 *       purse in its state (newPurseCardFile) gets the purse applet too.
 *   newCardFile(profile, file, options?) issues a card (fresh ICC key) and writes its file.
 *
 *   EmulatedCard implements CardTransport (transmit / coldReset / warmReset / close, protocol
 *   'T=0' | 'T=1' from the profile), plus:
 *     .secrets   { pan, panSequenceNumber, pin, issuerMasterKeys: { ac, smi, smc }, derivation,
 *                  iccKey }: what the issuer knows; verify an ARQC with
 *                  deriveIccMasterKey(imk.ac, pan, psn, 'A') -> deriveCommonSessionKey(mk, ATC)
 *                  -> generateApplicationCryptogram(sk, CDOL1 data || AIP || ATC || 9F10; M/Chip: see cryptogramInput)
 *                  (profile cryptogram.sessionKey 'mastercard': deriveMastercardSessionKey(mk, ATC, UN)).
 *     Profile options: cryptogram.{sessionKey, scriptKeys, scriptEncryption, pinChangeBlock},
 *       pinEnciphermentKey (9F2D/9F2E/9F2F; VERIFY P2 88 deciphered with that key).
 *     .state     a copy of the non-volatile state (atc, pinTryCounter, lastOnlineAtc, ...)
 *     .faults    FaultInjector: .add({ action: 'status'|'mute'|'delay'|'truncate'|'corrupt'|'tear',
 *                  ins?, cla?, p1?, p2?, occurrence?, times?, sw?, delayMs?, keepBytes?, offset? })
 *     .atr, .transmitSync(apdu), .toImage(), .save(file?)
 *   loadProfile(nameOrPath, { overrides? }), parseProfile(yamlText), listProfiles()
 *
 * House rule: nothing here imports src/terminal; card and terminal meet at CardTransport.
 */
import { issueCard, type CardImage, type IssueOptions } from './factory.js';
import { EmulatedCard, type EmulatedCardOptions } from './emulated-card.js';
import { writeFileAtomic } from './persistence.js';
import { loadProfile } from './profile/loader.js';
import type { CardProfile } from './profile/types.js';

export { EmulatedCard, loadCard, type CardSecrets, type EmulatedCardOptions } from './emulated-card.js';
export { issueCard, generatePan, parseCardImage, iccKeyPool, type CardImage, type IssueOptions } from './factory.js';
export { FaultInjector, COMMAND_INS, type FaultRule, type FaultAction } from './faults.js';
export { loadProfile, parseProfile, listProfiles, profilesDirectory, mergeProfileData } from './profile/loader.js';
export type { CardProfile, CryptogramProfile, RiskProfile, ApplicationEntry, OdaMethod, CardInterface } from './profile/types.js';
export type { RawImage } from './profile/raw-image.js';
export { PPSE_NAME, contactlessAtr } from './os/ppse.js';
export type { NonVolatileState } from './state.js';
export { answerToReset } from './atr.js';
export { LOG_FORMAT, LOG_SFI, PSE_NAME } from './personalise.js';
export { cryptogramInput } from './app/card-crypto.js';

export interface CreateCardOptions {
  /** Shipped profile name, profile file path, or a resolved CardProfile. Default 'visa-cvn18'. */
  profile?: string | CardProfile;
  /** Field overrides in the YAML shape. */
  overrides?: Record<string, unknown>;
  /** Deterministic PAN, ICC key choice and challenges. */
  seed?: string | number;
  /** Override the profile's protocol. */
  protocol?: 'T=0' | 'T=1';
  /** Transport name. */
  name?: string;
  /** Present the card over contact (default) or contactless (PPSE, T=1; src/card/os/ppse.ts). */
  interface?: 'contact' | 'contactless';
}

const profileCache = new Map<string, CardProfile>();

function resolveProfile(options: CreateCardOptions): CardProfile {
  const p = options.profile ?? 'visa-cvn18';
  let profile: CardProfile;
  if (typeof p !== 'string') {
    profile = p;
  } else if (options.overrides) {
    profile = loadProfile(p, { overrides: options.overrides });
  } else {
    let cached = profileCache.get(p);
    if (!cached) {
      cached = loadProfile(p);
      profileCache.set(p, cached);
    }
    profile = cached;
  }
  return options.protocol ? { ...profile, protocol: options.protocol } : profile;
}

/** A fresh in-memory card (see the module comment). */
export function createCard(options: CreateCardOptions = {}): EmulatedCard {
  const image = issueCard(resolveProfile(options), options.seed !== undefined ? { seed: options.seed } : {});
  const cardOptions: EmulatedCardOptions = {};
  if (options.seed !== undefined) cardOptions.seed = options.seed;
  if (options.name !== undefined) cardOptions.name = options.name;
  if (options.interface !== undefined) cardOptions.interface = options.interface;
  return new EmulatedCard(image, cardOptions);
}

export const DEMO_CARD_PAN = '4761739001010010';
export const DEMO_CARD_PIN = '1234';

/** The embedded demo card (visa-cvn18, PIN 1234, fixed PAN): a fresh copy on every call. */
export function createDemoCard(options: Omit<CreateCardOptions, 'profile' | 'overrides'> = {}): EmulatedCard {
  return createCard({
    ...options,
    profile: 'visa-cvn18',
    overrides: { pan: DEMO_CARD_PAN, pin: DEMO_CARD_PIN },
    seed: options.seed ?? 'demo',
    name: options.name ?? 'emulated demo card',
  });
}

/** Issues a card with a freshly generated ICC key and writes its file atomically. */
export function newCardFile(profile: CardProfile, file: string, options: IssueOptions = {}): CardImage {
  const image = issueCard(profile, { freshIccKey: true, ...options });
  writeFileAtomic(file, JSON.stringify(image, null, 1) + '\n');
  return image;
}
export { lockCardFile, DEFAULT_LOCK_WAIT_MS } from './file-lock.js';
/** Atomic file write (temp, fsync, rename): for the back office's files too (src/issuer/geldkarte). */
export { writeFileAtomic } from './persistence.js';
