/**
 * Terminal profile (scripts/terminals/*.yaml): what a terminal supports and
 * how it decides (EMV Book 4 Annex A terminal data, Book 3 §10.6 floor limit
 * and random selection, §10.7 Terminal Action Codes). Every field is
 * optional except the application list; src/terminal/config-loader.ts fills
 * the defaults.
 */
import type { JsonSchema } from '../schema.js';
import { boolean, digits, hex, integer, list, mapping, minorUnits, oneOfValues, ref, renamed, text } from './common.js';

const tac = mapping(
  {
    denial: hex(5, 5, 'TAC denial (Book 3 §10.7)'),
    online: hex(5, 5, 'TAC online'),
    default: hex(5, 5, 'TAC default'),
  },
  [],
  'Terminal Action Codes, 5 bytes each (default: denial 0010000000, online DC4004F800, default DC4000A800).',
);

export const TERMINAL_APPLICATION = renamed(mapping(
  {
    aid: hex(5, 16, 'Application identifier (9F06)'),
    label: text('Label shown to the cardholder'),
    scheme: oneOfValues(['visa', 'mastercard', 'girocard', 'geldkarte', 'other']),
    partialSelection: boolean('Application selection indicator: partial AID match allowed (Book 1 §12.3.1)'),
    applicationVersion: hex(2, 2, 'Terminal application version number (9F09)'),
    // 9F1B is 4 bytes binary (Book 3 Annex A); the threshold is compared with amounts of the same kind.
    floorLimitMinor: minorUnits(0xffffffff, 'Terminal floor limit (9F1B) in the terminal currency'),
    randomSelection: renamed(
      mapping(
        {
          thresholdMinor: minorUnits(0xffffffff, 'Threshold value for biased random selection (Book 3 §10.6.2)'),
          targetPercent: integer(0, 99),
          maxTargetPercent: integer(0, 99),
        },
        [],
        'Random transaction selection (Book 3 §10.6.2).',
      ),
      { threshold: 'thresholdMinor' },
    ),
    tac,
    defaultDdol: hex(0, 252, 'Default DDOL (Book 3 §10.3)'),
    defaultTdol: hex(0, 252, 'Default TDOL (Book 3 §5.4)'),
  },
  ['aid'],
), { floorLimit: 'floorLimitMinor' });

export const TERMINAL_PROFILE = mapping(
  {
    name: text(),
    description: text(),
    terminalType: { ...digits(2, 2), pattern: '^[123][1-6]$', 'x-expected': 'a terminal type of Book 4 Annex A1 (11..16, 21..26, 31..36)' },
    capabilities: hex(3, 3, 'Terminal capabilities (9F33, Book 4 Annex A2)'),
    additionalCapabilities: hex(5, 5, 'Additional terminal capabilities (9F40, Book 4 Annex A3)'),
    countryCode: digits(3, 3, 'ISO 3166 numeric (9F1A)'),
    currencyCode: digits(3, 3, 'ISO 4217 numeric (5F2A)'),
    currencyExponent: integer(0, 3),
    terminalId: text('Terminal identification (9F1C)'),
    ifdSerialNumber: text('IFD serial number (9F1E)'),
    acquirerId: digits(6, 11, 'Acquirer identifier (9F01)'),
    merchant: mapping({ id: text(), categoryCode: digits(4, 4, 'MCC (9F15)'), nameLocation: text() }),
    pinPad: mapping({ present: boolean(), working: boolean() }),
    onlinePin: mapping(
      {
        // 0..4 here; the loader explains why 2 (the offline PIN block) is refused.
        format: integer(0, 4, 'ISO 9564-1 PIN block format: 0, 1, 3 with TDES; 4 with AES (2 is the offline block)'),
        key: hex(16, 32, 'PIN encryption key, hex'),
        keyFile: text('scripts/keys/NAME.yaml or a path relative to the profile'),
        keyName: text('Key in the key file (default zpkTdes, zpkAes for format 4)'),
      },
      [],
      "The PIN pad's online PIN encipherment (ISO 9564-1 §8).",
    ),
    chipReaderWorking: boolean(),
    magstripeFallbackAllowed: boolean(),
    usePse: boolean('Try the Payment System Environment first (Book 1 §12.3.2)'),
    applications: list(ref('terminalApplication'), 1, 'Supported applications (Book 1 §12.3)'),
    capkFiles: list(text(), 0, 'CA public key files (scripts/capk/NAME.json or paths)'),
    exceptionFile: list(mapping({ pan: digits(8, 19), panSequenceNumber: digits(2, 2) }, ['pan']), 0, 'Terminal exception file (Book 3 §10.6.1)'),
    liabilityRules: text('scripts/liability/NAME.yaml'),
    cardTimeoutMs: integer(1, 600_000, 'Bounded wait for the answer to one card command, ms (default 30000)'),
  },
  ['applications'],
  'An emvsim terminal profile.',
);

export const TERMINAL_DEFS: Record<string, JsonSchema> = { terminalProfile: TERMINAL_PROFILE, terminalApplication: TERMINAL_APPLICATION };

export const terminalProfileSchema: JsonSchema = { $ref: '#/$defs/terminalProfile', $defs: TERMINAL_DEFS };
