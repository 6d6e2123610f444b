/**
 * Public known answers that are NOT in the shared vector file
 * (test/crypto/public-vectors.json, each entry with its public source):
 * RFC 4493 / SP 800-38B AES-CMAC, cfpp ICC master keys (TDES options A/B and
 * AES option C, Book 2 A1.4), pyemv Visa CVN 10/18 and Interac CVN 133
 * (Mastercard session key derivation) end to end, ISO 9564 formats 0/2/3/4.
 * Every value is computed here through the public API of src/crypto; none is
 * computed by the code under test and then copied back.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { concat, fromHex, toHex, type Bytes } from '../../src/apdu/bytes.js';
import {
  aesCmac,
  aesCmacSubkeys,
  aesEcbEncrypt,
  arpcMethod1,
  arpcMethod2,
  decodePinBlock,
  deriveCommonSessionKey,
  deriveIccMasterKey,
  deriveMastercardSessionKey,
  deriveVisaSmSessionKey,
  encipherScriptData,
  encodePinBlock,
  format0PanField,
  format4PanField,
  format4PinField,
  generateApplicationCryptogram,
  issuerScriptMac,
  issuerScriptMacInput,
  keyCheckValue,
  optionCInput,
  pinChangeData,
  type MasterKeyOption,
  type PinBlockFormat,
} from '../../src/crypto/index.js';

interface PublicVector {
  id: string;
  kind: string;
  source: Record<string, unknown>;
  inputs: Record<string, string | number>;
  expected: Record<string, string>;
}

const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'public-vectors.json');
const vectors = (JSON.parse(readFileSync(file, 'utf8')) as { vectors: PublicVector[] }).vectors;

const s = (v: PublicVector, name: string): string => {
  const value = v.inputs[name];
  if (typeof value !== 'string') throw new Error(`${v.id}: inputs.${name} missing`);
  return value;
};
const h = (v: PublicVector, name: string): Bytes => fromHex(s(v, name));
const e = (v: PublicVector, name: string): string => {
  const value = v.expected[name];
  if (typeof value !== 'string') throw new Error(`${v.id}: expected.${name} missing`);
  return value;
};
const kcv = (key: Bytes): string => toHex(keyCheckValue(key, 2));
const constant = (hex: string) => (n: number): Bytes => fromHex(hex).slice(0, n);

function iccMasterKeys(v: PublicVector, option: MasterKeyOption) {
  return {
    ac: deriveIccMasterKey(h(v, 'imk_ac'), s(v, 'pan'), s(v, 'psn'), option),
    smi: deriveIccMasterKey(h(v, 'imk_smi'), s(v, 'pan'), s(v, 'psn'), option),
    smc: deriveIccMasterKey(h(v, 'imk_smc'), s(v, 'pan'), s(v, 'psn'), option),
  };
}

/**
 * Visa (VIS) PIN change script, as pyemv's CVN classes build it: VIS PIN block
 * enciphered with the Visa SMC key, header '84 24 00 02' (or '00 01' with the
 * current PIN), Lc = 16 + 8, MAC over header || ATC || ARQC || data (VIS format 2).
 */
function visPinChangeCommand(v: PublicVector, mk: ReturnType<typeof iccMasterKeys>, arqc: Bytes, currentPin?: string): string {
  const atc = h(v, 'atc');
  const { enciphered } = pinChangeData({
    encSessionKey: deriveVisaSmSessionKey(mk.smc, atc),
    newPin: s(v, 'new_pin'),
    ...(currentPin === undefined ? {} : { currentPin }),
    scheme: 'visa',
    iccMasterKeyAc: mk.ac,
  });
  const header = fromHex(currentPin === undefined ? '8424000218' : '8424000118');
  const mac = issuerScriptMac(deriveVisaSmSessionKey(mk.smi, atc), issuerScriptMacInput(header, atc, arqc, enciphered));
  return toHex(concat(header, enciphered, mac));
}

type Check = (v: PublicVector) => void;

const checks: Record<string, Check> = {
  aes_cmac: (v) => {
    expect(toHex(aesCmac(h(v, 'key'), h(v, 'message')))).toBe(e(v, 'mac'));
  },
  aes_cmac_subkeys: (v) => {
    const { k1, k2 } = aesCmacSubkeys(h(v, 'key'));
    expect([toHex(k1), toHex(k2)]).toEqual([e(v, 'k1'), e(v, 'k2')]);
  },
  icc_master_key: (v) => {
    const option = s(v, 'option') as MasterKeyOption;
    expect(toHex(deriveIccMasterKey(h(v, 'imk'), s(v, 'pan'), s(v, 'psn'), option))).toBe(e(v, 'mk'));
  },
  option_c_z: (v) => {
    // Book 2 A1.4.3: Z = AES(IMK)[Y] || AES(IMK)[Y xor FF..FF], Y = PAN || PSN left-padded to 16 bytes.
    const y = optionCInput(s(v, 'pan'), s(v, 'psn'));
    const z = aesEcbEncrypt(h(v, 'imk'), concat(y, y.map((b) => b ^ 0xff)));
    expect(toHex(z)).toBe(e(v, 'z'));
    expect(toHex(deriveIccMasterKey(h(v, 'imk'), s(v, 'pan'), s(v, 'psn'), 'C'))).toBe(e(v, 'z').slice(0, 32));
  },
  visa_cvn10: (v) => {
    const mk = iccMasterKeys(v, 'A');
    expect([kcv(mk.ac), kcv(mk.smi), kcv(mk.smc)]).toEqual([e(v, 'kcv_mk_ac'), e(v, 'kcv_mk_smi'), e(v, 'kcv_mk_smc')]);
    // CVN 10: the AC key is the ICC master key itself; retail MAC with zero padding (method 1).
    const arqc = generateApplicationCryptogram(mk.ac, h(v, 'ac_data'), { padding: 1 });
    expect(toHex(arqc)).toBe(e(v, 'arqc'));
    expect(toHex(arpcMethod1(mk.ac, arqc, h(v, 'arc')))).toBe(e(v, 'arpc'));
    const atc = h(v, 'atc');
    const skSmi = deriveVisaSmSessionKey(mk.smi, atc);
    expect([kcv(skSmi), kcv(deriveVisaSmSessionKey(mk.smc, atc))]).toEqual([e(v, 'kcv_sk_smi'), e(v, 'kcv_sk_smc')]);
    expect(toHex(issuerScriptMac(skSmi, issuerScriptMacInput(h(v, 'script_header'), atc, arqc)))).toBe(e(v, 'script_mac'));
    expect(visPinChangeCommand(v, mk, arqc)).toBe(e(v, 'pin_change_command'));
    expect(visPinChangeCommand(v, mk, arqc, s(v, 'current_pin'))).toBe(e(v, 'pin_change_current_command'));
  },
  visa_cvn18: (v) => {
    const mk = iccMasterKeys(v, 'B');
    expect(kcv(mk.ac)).toBe(e(v, 'kcv_mk_ac'));
    const atc = h(v, 'atc');
    const skAc = deriveCommonSessionKey(mk.ac, atc);
    expect(kcv(skAc)).toBe(e(v, 'kcv_sk_ac'));
    const arqc = generateApplicationCryptogram(skAc, h(v, 'ac_data'), { padding: 2 });
    expect(toHex(arqc)).toBe(e(v, 'arqc'));
    expect(toHex(arpcMethod2(skAc, arqc, h(v, 'csu')))).toBe(e(v, 'arpc'));
    const skSmi = deriveVisaSmSessionKey(mk.smi, atc);
    expect([kcv(skSmi), kcv(deriveVisaSmSessionKey(mk.smc, atc))]).toEqual([e(v, 'kcv_sk_smi'), e(v, 'kcv_sk_smc')]);
    expect(toHex(issuerScriptMac(skSmi, issuerScriptMacInput(h(v, 'script_header'), atc, arqc)))).toBe(e(v, 'script_mac'));
    expect(visPinChangeCommand(v, mk, arqc)).toBe(e(v, 'pin_change_command'));
    expect(visPinChangeCommand(v, mk, arqc, s(v, 'current_pin'))).toBe(e(v, 'pin_change_current_command'));
  },
  mastercard_skd_cvn133: (v) => {
    const mk = iccMasterKeys(v, 'A');
    expect(kcv(mk.ac)).toBe(e(v, 'kcv_mk_ac'));
    const skAc = deriveMastercardSessionKey(mk.ac, h(v, 'atc'), h(v, 'un'));
    expect(kcv(skAc)).toBe(e(v, 'kcv_sk_ac'));
    const arqc = generateApplicationCryptogram(skAc, h(v, 'ac_data'), { padding: 2 });
    expect(toHex(arqc)).toBe(e(v, 'arqc'));
    expect(toHex(arpcMethod1(skAc, arqc, h(v, 'arc')))).toBe(e(v, 'arpc'));
    // Secure messaging keys: common derivation with R = ARQC (Book 2 A1.3.1).
    const skSmi = deriveCommonSessionKey(mk.smi, arqc);
    const skSmc = deriveCommonSessionKey(mk.smc, arqc);
    expect([kcv(skSmi), kcv(skSmc)]).toEqual([e(v, 'kcv_sk_smi'), e(v, 'kcv_sk_smc')]);
    expect(toHex(issuerScriptMac(skSmi, issuerScriptMacInput(h(v, 'script_header'))))).toBe(e(v, 'script_mac'));
    const { enciphered } = pinChangeData({ encSessionKey: skSmc, newPin: s(v, 'new_pin'), scheme: 'mastercard' });
    const header = h(v, 'pin_header');
    const mac = issuerScriptMac(skSmi, issuerScriptMacInput(header, undefined, undefined, enciphered));
    expect(toHex(concat(header, enciphered, mac))).toBe(e(v, 'pin_change_command'));
    // The same enciphered block straight from the script encryption primitive.
    expect(toHex(encipherScriptData(skSmc, fromHex('249999FFFFFFFFFF'), 'mastercard'))).toBe(toHex(enciphered));
  },
  pin_block_encode: (v) => {
    const pan = v.inputs.pan;
    const options = typeof pan === 'string' ? { pan } : {};
    expect(toHex(encodePinBlock(v.inputs.format as PinBlockFormat, s(v, 'pin'), options))).toBe(e(v, 'block'));
  },
  pin_block_decode: (v) => {
    expect(decodePinBlock(v.inputs.format as PinBlockFormat, h(v, 'block'), { pan: s(v, 'pan') })).toBe(e(v, 'pin'));
  },
  format0_pan_field: (v) => {
    expect(toHex(format0PanField(s(v, 'pan')))).toBe(e(v, 'pan_field'));
  },
  iso4_fields: (v) => {
    expect(toHex(format4PinField(s(v, 'pin'), constant('0000000000000000'))).slice(0, 16)).toBe(e(v, 'pin_field_head'));
    expect(toHex(format4PanField(s(v, 'pan')))).toBe(e(v, 'pan_field'));
  },
  iso4_pin_field: (v) => {
    expect(toHex(format4PinField(s(v, 'pin'), constant(s(v, 'random'))))).toBe(e(v, 'pin_field'));
  },
  iso4_pan_field: (v) => {
    expect(toHex(format4PanField(s(v, 'pan')))).toBe(e(v, 'pan_field'));
  },
  iso4_encipher: (v) => {
    const options = { key: h(v, 'key'), pan: s(v, 'pan'), random: constant(s(v, 'random')) };
    const block = encodePinBlock(4, s(v, 'pin'), options);
    expect(toHex(block)).toBe(e(v, 'block'));
    expect(decodePinBlock(4, block, options)).toBe(s(v, 'pin'));
  },
  iso4_decipher: (v) => {
    expect(decodePinBlock(4, h(v, 'block'), { key: h(v, 'key'), pan: s(v, 'pan') })).toBe(e(v, 'pin'));
  },
};

describe('public vectors outside the shared file', () => {
  test('every vector names its public source and has a checker', () => {
    const ids = new Set<string>();
    for (const v of vectors) {
      expect(ids.has(v.id), `duplicate id ${v.id}`).toBe(false);
      ids.add(v.id);
      expect(v.source.url ?? v.source.repo, `${v.id} has no source`).toBeTruthy();
      expect(checks[v.kind], `${v.id}: no checker for kind ${v.kind}`).toBeDefined();
    }
  });

  test.each(vectors.map((v) => [v.id, v] as const))('%s', (_id, v) => {
    checks[v.kind]!(v);
  });
});
