/**
 * Conformance documents (scripts/conformance/**.yaml): terminal scenarios and
 * card scripts. This module is the single source of truth: the editor schema
 * scripts/conformance/scenario.schema.json is written from it
 * (`npm run schemas`; test/documents/schemas.test.ts checks the file is
 * current). A scenario's deltas use the card and terminal profile schemas:
 * `card.set` is a card profile layer, `terminal.set` a terminal profile with
 * nothing required, `terminal.eachApplication` an application entry with
 * nothing required, so a typo there fails at load time with file:line.
 */
import type { JsonSchema } from '../schema.js';
import { CARD_DEFS, CARD_PROFILE_FIELDS } from './card-profile.js';
import { MAX_AMOUNT_MINOR } from '../../apdu/index.js';
import { mapping, minorUnits, partial } from './common.js';
import { TERMINAL_APPLICATION, TERMINAL_DEFS, TERMINAL_PROFILE } from './terminal-profile.js';

const OWN_DEFS: Record<string, JsonSchema> = {
  document: {
    type: "object",
    required: ["id"],
    if: {"type": "object", "required": ["kind"], "properties": {"kind": {"const": "card-script"}}},
    then: {"$ref": "#/$defs/cardScript"},
    else: {"$ref": "#/$defs/scenario"},
  },
  id: {"type": "string", "pattern": "^[a-z0-9][a-z0-9._-]*$", "description": "Unique across the suite: lowercase letters, digits, '.', '_', '-'."},
  hex: {"type": "string", "pattern": "^([0-9A-Fa-f]{2}\\s*)*$"},
  hexPattern: {"type": "string", "pattern": "^([0-9A-Fa-fXx]{2}\\s*)*$", "description": "Hex where X matches any nibble."},
  tagHex: {"type": "string", "pattern": "^[0-9A-Fa-f]{2,6}$"},
  tags: {"type": "array", "items": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$"}},
  card: {
    type: "object",
    description: "A base profile and its differences.",
    additionalProperties: false,
    properties: {
      profile: {"type": "string", "description": "Shipped card profile (scripts/cards/NAME.yaml) or a path relative to the scenario file."},
      set: {$ref: "#/$defs/cardProfileDelta", description: "Profile fields in the profile YAML shape (cvmList, iac, pinTryCounter, expiry, auc, oda, risk, ...)."},
      tags: {
        type: "object",
        description: "Data objects added to or replacing the application data record: tag hex -> value hex.",
        patternProperties: {"^[0-9A-Fa-f]{2,6}$": {"$ref": "#/$defs/hex"}},
        additionalProperties: false,
      },
      keys: {
        type: "object",
        additionalProperties: false,
        description: "Issuer master keys of the card (16-byte TDES, hex); the host simulator is told the same keys unless host.knowsCardKeys is false.",
        properties: {"ac": {"$ref": "#/$defs/hex"}, "smi": {"$ref": "#/$defs/hex"}, "smc": {"$ref": "#/$defs/hex"}},
      },
      counters: {
        type: "object",
        additionalProperties: false,
        description: "Non-volatile counters at the start of the transaction.",
        properties: {
          atc: {"type": "integer", "minimum": 0, "maximum": 65535},
          lastOnlineAtc: {"type": "integer", "minimum": 0, "maximum": 65535},
          pinTryCounter: {"type": "integer", "minimum": 0, "maximum": 15},
          consecutiveOffline: {"type": "integer", "minimum": 0, "maximum": 255},
          cumulativeOfflineAmountMinor: minorUnits(MAX_AMOUNT_MINOR, "The card's cumulative offline amount (card risk management)"),
          issuerAuthFailedLastOnline: {"type": "boolean"},
          applicationBlocked: {"type": "boolean"},
        },
        "x-renamed": {cumulativeOfflineAmount: "cumulativeOfflineAmountMinor"},
      },
      faults: {type: "array", items: {$ref: "#/$defs/faultRule"}},
      seed: {"type": ["string", "integer"], "description": "Card seed (PAN, challenges); default: the scenario id."},
    },
  },
  terminal: {
    type: "object",
    additionalProperties: false,
    properties: {
      profile: {"type": "string", "description": "Shipped terminal profile (scripts/terminals/NAME.yaml) or a path relative to the scenario file."},
      set: {
        $ref: "#/$defs/terminalProfileDelta",
        description: "Terminal profile fields in the profile YAML shape (capabilities, terminalType, pinPad, exceptionFile, usePse, ...).",
      },
      eachApplication: {
        $ref: "#/$defs/terminalApplicationDelta",
        description: "Fields merged into every application of the profile (floorLimitMinor, tac, randomSelection, partialSelection, applicationVersion).",
      },
      onlyApplications: {"type": "array", "items": {"$ref": "#/$defs/hex"}, "description": "Keep only these AIDs in the terminal's list."},
    },
  },
  issuerScript: {
    type: "object",
    additionalProperties: false,
    properties: {
      command: {"enum": ["pin-unblock", "application-block", "application-unblock", "card-block"]},
      template: {"enum": ["71", "72"]},
      badMac: {"type": "boolean", "description": "Corrupt the secure-messaging MAC so the card rejects the command."},
      raw: {"$ref": "#/$defs/hex", "description": "A complete 71/72 template instead of a built one."},
    },
  },
  host: {
    type: "object",
    additionalProperties: false,
    properties: {
      mode: {
        enum: ["simulator", "approve", "decline", "unreachable"],
        description: "simulator: the in-process issuer host (ARQC check, rules, ledger); the others answer as scripted.",
      },
      rules: {"type": "string", "description": "simulator: a rules file (relative to the scenario file or the project root)."},
      responseCode: {"type": "string", "pattern": "^[0-9A-Z]{2}$", "description": "decline: the ISO 8583 response code (default 05)."},
      arpc: {"enum": ["correct", "wrong", "none"], "description": "Issuer authentication data in the answer (default correct)."},
      scripts: {"type": "array", "items": {"$ref": "#/$defs/issuerScript"}},
      knowsCardKeys: {
        type: "boolean",
        description: "simulator: false enrols the card under another issuer's master keys for its PAN, so the ARQC does not verify (Book 2 §8.1.2): decline 05, decidedBy arqc. Default true.",
      },
    },
  },
  cardholder: {
    type: "object",
    additionalProperties: false,
    properties: {
      pins: {
        type: "array",
        items: {"type": "string", "pattern": "^([0-9]{4,12}|bypass|fail)$"},
        description: "PIN entries in order; 'bypass' bypasses entry, 'fail' makes the PIN pad fail.",
      },
      choose: {"type": ["integer", "string"], "description": "Index among several applications, or 'cancel'."},
      confirm: {"type": "boolean", "description": "Answer to an application confirmation request."},
    },
  },
  transaction: {
    type: "object",
    additionalProperties: false,
    required: ["amountMinor"],
    "x-renamed": {amount: "amountMinor", otherAmount: "otherAmountMinor"},
    properties: {
      // n12 (Book 3 Annex A, 9F02/9F03): 12 digits of minor units.
      amountMinor: minorUnits(MAX_AMOUNT_MINOR, "Amount authorised (9F02)"),
      otherAmountMinor: minorUnits(MAX_AMOUNT_MINOR, "Cashback part (9F03)"),
      log: {
        type: "array",
        description: "The terminal's transaction log before this transaction, oldest first (Book 3 §10.6.1 split sales: the most recent entry with the card's PAN counts).",
        items: {
          type: "object",
          additionalProperties: false,
          required: ["pan", "amountMinor"],
          "x-renamed": {amount: "amountMinor"},
          properties: {
            pan: {type: "string", pattern: "^(card|[0-9]{8,19})$", description: "A PAN, or 'card' for this scenario's card."},
            panSequenceNumber: {type: "string", pattern: "^[0-9]{2}$"},
            amountMinor: minorUnits(MAX_AMOUNT_MINOR, "Amount authorised of the logged transaction"),
          },
        },
      },
      currency: {"type": "string", "pattern": "^[0-9]{3}$"},
      type: {"enum": ["goods", "services", "cash", "cashback"]},
      date: {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2})?Z?)?$"},
      seed: {"type": "integer", "minimum": 0, "description": "Seed of the unpredictable number and random selection."},
      forceOnline: {"type": "boolean"},
    },
  },
  bitExpectation: {
    description: "A list of bit names (exactly these set), {set, clear} (these set, these clear, the rest free), or {hex, mask}.",
    oneOf: [
      {"type": "array", "items": {"type": "string"}},
      {
        type: "object",
        additionalProperties: false,
        properties: {
          set: {"type": "array", "items": {"type": "string"}},
          clear: {"type": "array", "items": {"type": "string"}},
          hex: {"$ref": "#/$defs/hex"},
          mask: {"$ref": "#/$defs/hex"},
        },
      },
      {"$ref": "#/$defs/hex"},
    ],
  },
  apduAssertion: {
    type: "object",
    additionalProperties: false,
    properties: {
      command: {"type": "string", "description": "A command name (GENERATE AC) or a hex pattern of the C-APDU (X = any nibble; a trailing '*' = any rest)."},
      sw: {"type": "string", "pattern": "^[0-9A-Fa-fXx]{4}$"},
      absent: {"type": "boolean", "description": "No such command in the whole trace."},
    },
  },
  expect: {
    type: "object",
    additionalProperties: false,
    properties: {
      outcome: {"enum": ["approved", "declined", "terminated"]},
      reason: {"type": "string", "description": "A substring of the outcome's reason."},
      cryptogram: {"enum": ["TC", "ARQC", "AAC", "none"]},
      authorisationResponseCode: {"type": "string"},
      tvr: {"$ref": "#/$defs/bitExpectation"},
      tsi: {"$ref": "#/$defs/bitExpectation"},
      cvmResults: {"$ref": "#/$defs/hexPattern"},
      pinTryCounter: {"type": "integer", "minimum": 0},
      liability: {"enum": ["issuer", "acquirer", "merchant", "cardholder", "none"]},
      application: {"$ref": "#/$defs/hex"},
      hostCalled: {"type": "boolean"},
      hostDecidedBy: {"type": "string", "description": "decidedBy of the host's answer: a rule name, arqc, arqc-missing, scripted:approve|decline."},
      cardState: {
        type: "object",
        additionalProperties: false,
        properties: {
          atc: {"type": "integer"},
          lastOnlineAtc: {"type": "integer"},
          pinTryCounter: {"type": "integer"},
          applicationBlocked: {"type": "boolean"},
          cardBlocked: {"type": "boolean"},
          consecutiveOffline: {"type": "integer"},
        },
      },
      apdus: {"type": "array", "items": {"$ref": "#/$defs/apduAssertion"}},
      xfail: {
        type: "string",
        minLength: 1,
        description: "Known deviation of the kernel from the spec: the case is reported as an expected failure and does not fail the run.",
      },
    },
  },
  scenario: {
    type: "object",
    required: ["id", "title", "spec", "transaction", "expect"],
    additionalProperties: false,
    properties: {
      kind: {"const": "scenario"},
      id: {"$ref": "#/$defs/id"},
      title: {"type": "string", "minLength": 1},
      spec: {"type": "string", "minLength": 1, "description": "The clause checked, e.g. 'Book 3 §10.5.1'."},
      tags: {"$ref": "#/$defs/tags"},
      card: {"$ref": "#/$defs/card"},
      terminal: {"$ref": "#/$defs/terminal"},
      host: {"$ref": "#/$defs/host"},
      cardholder: {"$ref": "#/$defs/cardholder"},
      transaction: {"$ref": "#/$defs/transaction"},
      expect: {"$ref": "#/$defs/expect"},
    },
  },
  tlvExpectation: {"description": "present / absent, or the value as a hex pattern.", "oneOf": [{"enum": ["present", "absent"]}, {"$ref": "#/$defs/hexPattern"}]},
  capture: {
    type: "object",
    additionalProperties: false,
    properties: {
      tlv: {
        type: "string",
        pattern: "^[0-9A-Fa-f]{2,6}(/[0-9A-Fa-f]{2,6})*$",
        description: "Value of this tag (or tag path 77/9F36) in the response data.",
      },
      offset: {"type": "integer", "minimum": 0},
      length: {"type": "integer", "minimum": 1},
      sw: {"type": "boolean", "description": "Capture the status word."},
    },
  },
  step: {
    type: "object",
    required: ["command"],
    additionalProperties: false,
    properties: {
      name: {"type": "string"},
      command: {"type": "string", "minLength": 8, "description": "C-APDU hex; ${name} inserts a captured variable."},
      expect: {
        type: "object",
        additionalProperties: false,
        properties: {
          sw: {
            oneOf: [{"type": "string", "pattern": "^[0-9A-Fa-fXx]{4}$"}, {"type": "array", "items": {"type": "string", "pattern": "^[0-9A-Fa-fXx]{4}$"}}],
          },
          data: {"type": "string", "description": "Hex pattern of the whole response data (X = any nibble, a trailing '*' = any rest)."},
          tlv: {
            type: "object",
            patternProperties: {"^[0-9A-Fa-f]{2,6}(/[0-9A-Fa-f]{2,6})*$": {"$ref": "#/$defs/tlvExpectation"}},
            additionalProperties: false,
          },
          length: {"type": "integer", "minimum": 0},
        },
      },
      capture: {"type": "object", "patternProperties": {"^[A-Za-z_][A-Za-z0-9_]*$": {"$ref": "#/$defs/capture"}}, "additionalProperties": false},
      reset: {"enum": ["cold", "warm"], "description": "Reset the card before this command."},
    },
  },
  cardScript: {
    type: "object",
    required: ["kind", "id", "title", "spec", "steps"],
    additionalProperties: false,
    properties: {
      kind: {"const": "card-script"},
      id: {"$ref": "#/$defs/id"},
      title: {"type": "string", "minLength": 1},
      spec: {"type": "string", "minLength": 1},
      tags: {"$ref": "#/$defs/tags"},
      card: {"$ref": "#/$defs/card", "description": "The emulated card to run against (ignored with --reader)."},
      variables: {"type": "object", "description": "Initial variables (hex) for ${name}."},
      steps: {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/step"}},
      xfail: {"type": "string", "minLength": 1},
    },
  },
};

const PROFILE_DEFS: Record<string, JsonSchema> = { ...CARD_DEFS, ...TERMINAL_DEFS };

export const scenarioSchema: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://github.com/emvsim/emvsim/scripts/conformance/scenario.schema.json',
  title: 'emvsim conformance document',
  description:
    "A conformance file holds one document or a list of documents. A document is a terminal scenario (kind: scenario, the default: a base card with differences, a terminal, a host, a cardholder, a transaction and the expected outcome, judged as a certification lab judges a terminal) or a card-side script (kind: card-script: ordered C-APDUs and the expected R-APDUs). Written from src/documents/schemas/scenario.ts (npm run schemas); emvsim validates with src/documents/schema.ts, which also applies `pattern` to integers and checks `format: dol`.",
  oneOf: [{ $ref: '#/$defs/document' }, { type: 'array', minItems: 1, items: { $ref: '#/$defs/document' } }],
  $defs: {
    ...OWN_DEFS,
    ...PROFILE_DEFS,
    cardProfileDelta: mapping(CARD_PROFILE_FIELDS, [], 'Card profile fields changed by the scenario.'),
    terminalProfileDelta: partial(TERMINAL_PROFILE, PROFILE_DEFS),
    terminalApplicationDelta: partial(TERMINAL_APPLICATION, PROFILE_DEFS),
  },
};
