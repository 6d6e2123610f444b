/**
 * The issuer-side card record the issuer benchmarks and the issuer tests seed
 * (src/issuer/seed.ts): the demo issuer master keys of the visa-cvn18 profile,
 * its CDOL1, EMV option A key derivation with the common session key (Book 2
 * A1.4, A1.3), ISO 9797-1 padding method 2 and ARPC method 1.
 */
import type { SeedCard } from '../src/issuer/seed.js';

/** Issuer master keys for AC, secure messaging integrity and confidentiality (as in scripts/cards/visa-cvn18.yaml). */
export const IMK = {
  ac: '0123456789ABCDEFFEDCBA9876543210',
  smi: '11111111111111112222222222222222',
  smc: '33333333333333334444444444444444',
};

export const CDOL1 = '9F0206 9F0306 9F1A02 9505 5F2A02 9A03 9C01 9F3704 9F3501 9F3403';

/** What differs between the seeded cards: label, PAN, balance and daily limits, and any other field. */
export type SeedCardFields = Pick<SeedCard, 'label' | 'pan' | 'balanceMinor' | 'dailyAmountLimitMinor' | 'dailyCountLimit'> & Partial<SeedCard>;

/** A card record with PSN 01, expiry 2912, PIN 1234 (3 tries), UK terminal country and EUR. */
export function issuerSeedCard(fields: SeedCardFields): SeedCard {
  const { label, pan, balanceMinor, dailyAmountLimitMinor, dailyCountLimit, ...others } = fields;
  return {
    label,
    pan,
    psn: '01',
    expiry: '2912',
    pin: '1234',
    pinTryLimit: 3,
    country: '0826',
    currency: '0978',
    cdol1: CDOL1,
    cryptogram: {
      derivation: 'A',
      sessionKey: 'common',
      padding: 2,
      arpcMethod: 1,
      arpcKey: 'session',
      issuerMasterKeys: IMK,
      scriptMacLength: 8,
    },
    balanceMinor,
    dailyAmountLimitMinor,
    dailyCountLimit,
    ...others,
  };
}
