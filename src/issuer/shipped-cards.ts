/**
 * The cards that ship with emvsim, as the issuer knows them: one SeedCard per
 * profile in scripts/cards/*.yaml (src/card/profile). The card derives its ICC
 * master keys from the profile's issuer master keys with option A (Book 2
 * A1.4.1), so the issuer seeds the same issuer master keys for the profile's
 * BIN. A profile without a fixed PAN gets the PAN `generatePan(prefix,
 * length, profileName)`, i.e. the PAN of a card issued with `seed = name`;
 * the demo card (DEMO_CARD_PAN, visa-cvn18, PIN 1234) is seeded as well.
 *
 * Cards issued with another seed have random PANs: `templateForPan` returns
 * the profile whose BIN matches so an in-process host can enrol them on first
 * sight (createInProcessHost's `enrolUnknownCards`).
 */
import { generatePan } from '../card/index.js';
import { listProfiles, loadProfile } from '../card/index.js';
import type { CardProfile } from '../card/index.js';
import type { SeedCard } from './seed.js';

/** The embedded demo card of src/card (createDemoCard). */
export const DEMO_PAN = '4761739001010010';

/** A SeedCard from a resolved card profile (`pan` overrides the profile's). */
export function seedCardFromProfile(profile: CardProfile, pan?: string): SeedCard {
  const c = profile.cryptogram;
  return {
    label: profile.name,
    pan: pan ?? profile.pan ?? generatePan(profile.panPrefix, profile.panLength, profile.name),
    psn: profile.panSequenceNumber,
    expiry: profile.expiry,
    pin: profile.pin,
    pinTryLimit: profile.pinTryLimit,
    country: profile.issuerCountry,
    currency: profile.currency,
    cdol1: profile.cdol1,
    iad: { iadFormat: profile.iadFormat, cvn: c.cvn },
    cryptogram: {
      derivation: c.derivation,
      sessionKey: c.sessionKey,
      padding: c.padding,
      arpcMethod: c.arpcMethod,
      arpcKey: c.arpcKey,
      issuerMasterKeys: c.issuerMasterKeys,
      scriptMacLength: c.scriptMacLength,
    },
    // The card's own PIN try counter starts at zero: the issuer will send PIN UNBLOCK after a good online PIN.
    offlinePinBlocked: profile.pinTryCounter === 0,
    // The shipped cards are issued in GB (or the US) and used at the shipped DE/EU terminals: travel-enabled,
    // so the shipped geoblocking rule (scripts/issuer/rules.yaml, loaded by `emvsim host` by default) lets
    // them through. `emvsim host card add` creates cards that are not travel-enabled unless --travel.
    travelEnabled: true,
    holder: profile.cardholderName,
  };
}

let cache: { profiles: CardProfile[]; cards: SeedCard[] } | undefined;

function shipped(): { profiles: CardProfile[]; cards: SeedCard[] } {
  if (!cache) {
    const profiles = listProfiles().map((name) => loadProfile(name));
    const cards = profiles.map((p) => seedCardFromProfile(p));
    const visa = profiles.find((p) => p.name === 'visa-cvn18');
    if (visa) cards.unshift({ ...seedCardFromProfile(visa, DEMO_PAN), label: 'demo (visa-cvn18)', pin: '1234' });
    cache = { profiles, cards };
  }
  return cache;
}

/** Every shipped card (the demo card first). */
export function shippedCards(): SeedCard[] {
  return shipped().cards;
}

/**
 * The shipped profile a PAN belongs to, by BIN (panPrefix): for enrolling a
 * card issued with a random PAN. Derived profiles (base: visa-cvn18) share the
 * BIN; the base profile answers for them.
 */
export function templateForPan(pan: string): SeedCard | undefined {
  const { profiles } = shipped();
  const matches = profiles.filter((p) => pan.startsWith(p.panPrefix) && pan.length === p.panLength);
  const base = matches.find((p) => p.name === 'visa-cvn18') ?? matches[0];
  return base ? seedCardFromProfile(base, pan) : undefined;
}
