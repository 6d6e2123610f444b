/**
 * GeldKarte purse cards: a girocard (profile girocard-geldkarte) with the purse
 * applet beside the debit application. The purse state is stored in the card
 * file with the EMV state (state.applets.geldkarte) and written in the same
 * atomic write.
 */
import { resolve } from 'node:path';
import { type CardImage, issueCard } from '../factory.js';
import { EmulatedCard, type EmulatedCardOptions, loadCard } from '../emulated-card.js';
import { writeFileAtomic } from '../persistence.js';
import { loadProfile } from '../profile/loader.js';
import type { CardProfile } from '../profile/types.js';
import { DEMO_PURSE, PURSE_STATE_KEY, type PursePersonalisation, type PurseState, personalisePurse } from './purse-files.js';
import { purseApplet } from './purse-applet.js';

export const PURSE_PROFILE = 'girocard-geldkarte';

let cachedProfile: CardProfile | undefined;

function purseProfile(): CardProfile {
  cachedProfile ??= loadProfile(PURSE_PROFILE);
  return cachedProfile;
}

/** Adds the purse applet to a card (idempotent). */
export function installPurse(card: EmulatedCard): EmulatedCard {
  if (!card.engine.applets.includes(purseApplet)) card.engine.applets.push(purseApplet);
  return card;
}

/** A card image with the purse personalised into its state. */
export function issuePurseCard(personalisation: Partial<PursePersonalisation> = {}, options: { seed?: string | number; freshIccKey?: boolean } = {}): CardImage {
  const image = issueCard(purseProfile(), options);
  const purse = personalisePurse({ ...DEMO_PURSE, ...personalisation });
  image.state.applets = { ...image.state.applets, [PURSE_STATE_KEY]: purse };
  return image;
}

/** A fresh in-memory purse card (the demo purse: 6.83 EUR, PIN 1234, unless told otherwise). */
export function createPurseCard(
  options: { personalisation?: Partial<PursePersonalisation>; seed?: string | number; name?: string } = {},
): EmulatedCard {
  const seed = options.seed ?? 'geldkarte-demo';
  const image = issuePurseCard(options.personalisation ?? {}, { seed });
  const cardOptions: EmulatedCardOptions = { seed, name: options.name ?? 'emulated GeldKarte (girocard)' };
  return installPurse(new EmulatedCard(image, cardOptions));
}

/** Loads a purse card file; purse and EMV state are written back atomically after each change. */
export function loadPurseCard(file: string, options: Omit<EmulatedCardOptions, 'file'> = {}): EmulatedCard {
  return installPurse(loadCard(file, options));
}

/** Issues a purse card (fresh ICC key) and writes its file. */
export function newPurseCardFile(file: string, personalisation: Partial<PursePersonalisation> = {}): CardImage {
  const image = issuePurseCard(personalisation, { freshIccKey: true });
  writeFileAtomic(resolve(file), JSON.stringify(image, null, 1) + '\n');
  return image;
}

/** The purse state of a card (a copy), or undefined when the card has no purse. */
export function purseStateOf(card: EmulatedCard): PurseState | undefined {
  const s = card.state.applets?.[PURSE_STATE_KEY] as PurseState | undefined;
  return s ? structuredClone(s) : undefined;
}
