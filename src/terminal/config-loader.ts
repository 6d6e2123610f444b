/**
 * Terminal profiles (scripts/terminals/*.yaml) to TerminalConfig: checked
 * against the terminal profile schema (src/documents; unknown fields and
 * wrong types are errors), then read field by field with the cross-field
 * checks: every error is a DocumentError naming file:line and the field
 * path. Defaults fill what a profile leaves out (an attended EU POS).
 */
import { existsSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { toHex } from '../apdu/index.js';
import { DocumentError } from '../apdu/index.js';
import { FieldReader, checkDocument, documentPath, listShipped, parseJsonSource, parseYamlSource, projectRoot, readYamlDocument, shippedDirectory, terminalProfileSchema, type YamlSource } from '../documents/index.js';
import { DEFAULT_CARD_TIMEOUT_MS, type OnlinePinEncipherment, type Scheme, type SupportedApplication, type TerminalConfig } from './config.js';
import { loadKeyFile } from './key-file.js';

export { projectRoot };

export function terminalProfilesDirectory(): string {
  return shippedDirectory('terminal');
}

export function listTerminalProfiles(): string[] {
  return listShipped('terminal');
}

function application(r: FieldReader, i: number): SupportedApplication {
  const p = (k: string) => ['applications', i, k];
  const scheme = r.string(p('scheme'), 'other') as Scheme;
  const floorLimitMinor = r.number(p('floorLimitMinor'), 0);
  const target = r.number(['applications', i, 'randomSelection', 'targetPercent'], 0);
  const maxTarget = r.number(['applications', i, 'randomSelection', 'maxTargetPercent'], target);
  if (maxTarget < target) throw r.src.error(['applications', i, 'randomSelection', 'maxTargetPercent'], 'must not be below targetPercent');
  const threshold = r.number(['applications', i, 'randomSelection', 'thresholdMinor'], 0);
  if (threshold > floorLimitMinor && floorLimitMinor > 0) {
    throw r.src.error(['applications', i, 'randomSelection', 'thresholdMinor'], 'must not exceed the floor limit (Book 3 §10.6.2)');
  }
  return {
    aid: r.hex(p('aid')),
    label: r.string(p('label'), ''),
    partialSelection: r.boolean(p('partialSelection'), true),
    applicationVersion: r.hex(p('applicationVersion'), '0096'),
    floorLimitMinor,
    tac: {
      denial: r.hex(['applications', i, 'tac', 'denial'], '0010000000'),
      online: r.hex(['applications', i, 'tac', 'online'], 'DC4004F800'),
      default: r.hex(['applications', i, 'tac', 'default'], 'DC4000A800'),
    },
    randomSelection: { thresholdMinor: threshold, targetPercent: target, maxTargetPercent: maxTarget },
    defaultDdol: r.hex(p('defaultDdol'), '9F3704'),
    defaultTdol: r.hex(p('defaultTdol'), ''),
    scheme,
  };
}

const optional = <K extends string, V>(k: K, v: V | undefined) => (v === undefined ? {} : ({ [k]: v } as Record<K, V>));

const PIN_BLOCK_FORMATS = [0, 1, 3, 4] as const;

/**
 * `onlinePin: { format, key | keyFile [, keyName] }`: the PIN pad's PIN
 * encryption key (ISO 9564-1 §8). Formats 0, 1, 3 take a TDES key (16/24
 * bytes), format 4 an AES key (16/24/32). `keyFile` names scripts/keys/NAME.yaml
 * (or a path relative to the profile); `keyName` defaults to zpkTdes / zpkAes.
 */
function onlinePinEncipherment(r: FieldReader, file: string): OnlinePinEncipherment | undefined {
  if (!r.has(['onlinePin'])) return undefined;
  const format = r.number(['onlinePin', 'format'], 0) as OnlinePinEncipherment['format'];
  if (!(PIN_BLOCK_FORMATS as readonly number[]).includes(format)) {
    throw r.src.error(['onlinePin', 'format'], `ISO 9564-1 format ${format} is not for online PIN (0, 1, 3 with TDES; 4 with AES)`);
  }
  const aes = format === 4;
  const lengths = aes ? [16, 24, 32] : [16, 24];
  const hasKey = r.has(['onlinePin', 'key']);
  const hasFile = r.has(['onlinePin', 'keyFile']);
  if (hasKey === hasFile) throw r.src.error(['onlinePin'], 'give exactly one of key (hex) and keyFile (scripts/keys/NAME.yaml)');
  if (hasKey) {
    const key = r.hex(['onlinePin', 'key']);
    if (!lengths.includes(key.length / 2)) {
      throw r.src.error(['onlinePin', 'key'], `format ${format} needs ${aes ? 'an AES' : 'a TDES'} key of ${lengths.join(' or ')} bytes, got ${key.length / 2}`);
    }
    return { format, key, keySource: 'inline' };
  }
  const reference = r.string(['onlinePin', 'keyFile']);
  const keyName = r.string(['onlinePin', 'keyName'], aes ? 'zpkAes' : 'zpkTdes');
  const line = r.src.lineOf(['onlinePin', 'keyFile']);
  const keys = loadKeyFile(reference, dirname(file), { file, ...(line !== undefined ? { line } : {}), field: 'onlinePin.keyFile' });
  const key = keys.key(keyName, lengths);
  return { format, key: toHex(key), keySource: `${basename(keys.file)}#${keyName}` };
}

export function parseTerminalProfile(text: string, file: string): TerminalConfig {
  return terminalProfileOf(parseYamlSource(text, file));
}

/** A terminal profile given as JSON text (a profile merged with deltas in memory): the same checks, no YAML parser. */
export function parseTerminalProfileJson(text: string, file: string): TerminalConfig {
  return terminalProfileOf(parseJsonSource(text, file));
}

function terminalProfileOf(src: YamlSource): TerminalConfig {
  const file = src.file;
  if (src.value === null || typeof src.value !== 'object' || Array.isArray(src.value)) throw src.error([], 'a terminal profile is a mapping');
  checkDocument(src, terminalProfileSchema);
  const r = new FieldReader(src);
  // Types, lengths, ranges and the known fields are the schema's (terminal-profile.ts); below, what the
  // kernel's types need and the checks across fields.
  const terminalType = parseInt(r.hex(['terminalType'], '22'), 16);
  const apps = r.list(['applications'], true);
  const applications = apps.map((_, i) => application(r, i));
  const exceptionFile = r.list(['exceptionFile']).map((_, i) => {
    const pan = r.digits(['exceptionFile', i, 'pan']);
    const psn = r.has(['exceptionFile', i, 'panSequenceNumber']) ? r.digits(['exceptionFile', i, 'panSequenceNumber']) : undefined;
    return { pan, ...(psn !== undefined ? { panSequenceNumber: psn } : {}) };
  });
  const capkFiles = r.list(['capkFiles']).map((_, i) => r.string(['capkFiles', i]));
  return {
    name: r.string(['name'], basename(file).replace(/\.ya?ml$/, '')),
    description: r.string(['description'], ''),
    terminalType,
    capabilities: r.hex(['capabilities'], 'E0F8C8'),
    additionalCapabilities: r.hex(['additionalCapabilities'], '6000F0A001'),
    countryCode: r.digits(['countryCode'], '276'),
    currencyCode: r.digits(['currencyCode'], '978'),
    currencyExponent: r.number(['currencyExponent'], 2),
    terminalId: r.string(['terminalId'], 'EMVSIM01'),
    ifdSerialNumber: r.string(['ifdSerialNumber'], '00000001'),
    acquirerId: r.digits(['acquirerId'], '000000123456'.slice(0, 11)),
    merchant: {
      id: r.string(['merchant', 'id'], 'EMVSIM MERCHANT'),
      categoryCode: r.digits(['merchant', 'categoryCode'], '5411'),
      nameLocation: r.string(['merchant', 'nameLocation'], 'emvsim test shop, Berlin DE'),
    },
    pinPad: { present: r.boolean(['pinPad', 'present'], true), working: r.boolean(['pinPad', 'working'], true) },
    ...optional('onlinePin', onlinePinEncipherment(r, file)),
    chipReaderWorking: r.boolean(['chipReaderWorking'], true),
    magstripeFallbackAllowed: r.boolean(['magstripeFallbackAllowed'], false),
    usePse: r.boolean(['usePse'], true),
    applications,
    capkFiles: capkFiles.length > 0 ? capkFiles : ['test-capks.json', 'emvsim-test-ca.json'],
    exceptionFile,
    liabilityRules: r.string(['liabilityRules'], 'default'),
    cardTimeoutMs: r.number(['cardTimeoutMs'], DEFAULT_CARD_TIMEOUT_MS),
  };
}

/** Loads a profile by name (scripts/terminals/NAME.yaml) or by path. */
export function loadTerminalProfile(nameOrPath: string): TerminalConfig {
  const path = documentPath('terminal', nameOrPath);
  if (!existsSync(path)) {
    throw new DocumentError(`no terminal profile '${nameOrPath}' (known: ${listTerminalProfiles().join(', ')})`, { file: path, field: '(file)' });
  }
  return terminalProfileOf(readYamlDocument(path, 'terminal profile'));
}
