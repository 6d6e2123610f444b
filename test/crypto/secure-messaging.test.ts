/** Issuer script MAC, encipherment and PIN change data (Book 2 §9) against the shared vectors. */
import { describe, expect, test } from 'vitest';
import { fromHex, toHex } from '../../src/apdu/bytes.js';
import {
  decipherScriptData,
  deriveCommonSessionKey,
  deriveIccMasterKey,
  deriveVisaSmSessionKey,
  encipherScriptData,
  issuerScriptMac,
  issuerScriptMacInput,
  keyCheckValue,
  offlinePlaintextPinBlock,
  PaddingError,
  pinChangeData,
  PinBlockError,
  visPinBlock,
  type ScriptEncryption,
} from '../../src/crypto/index.js';
import { str, symmetricGroup, type Vector } from './known-answers.js';

const each = (group: string) => symmetricGroup(group).map((v) => [v.id, v] as [string, Vector]);
const kcv3 = (k: Uint8Array) => toHex(keyCheckValue(k, 3));
const kcv2 = (k: Uint8Array) => toHex(keyCheckValue(k, 2));

describe('shared vectors: issuer_script_mac (Book 2 §9.2)', () => {
  test.each(each('issuer_script_mac'))('%s', (_id, v) => {
    let sk: Uint8Array;
    if (v.inputs.sk_smi !== undefined) sk = fromHex(str(v, 'inputs', 'sk_smi'));
    else {
      const mk = deriveIccMasterKey(fromHex(str(v, 'inputs', 'imk_smi')), str(v, 'inputs', 'pan'), str(v, 'inputs', 'psn'), 'A');
      expect(kcv2(mk)).toBe(str(v, 'expected', 'icc_mk_smi_kcv2'));
      sk = deriveCommonSessionKey(mk, fromHex(str(v, 'inputs', 'csk_r')));
      expect(kcv2(sk)).toBe(str(v, 'expected', 'sk_smi_kcv2'));
    }
    let input: Uint8Array;
    if (v.inputs.command_header !== undefined) {
      input = issuerScriptMacInput(fromHex(str(v, 'inputs', 'command_header')), fromHex(str(v, 'inputs', 'atc')), fromHex(str(v, 'inputs', 'arqc')));
      expect(toHex(input)).toBe(str(v, 'inputs', 'mac_input'));
    } else input = fromHex(str(v, 'inputs', 'command'));
    expect(toHex(issuerScriptMac(sk, input))).toBe(str(v, 'expected', 'mac'));
  });
});

describe('shared vectors: issuer_script_enc (Book 2 §9.3)', () => {
  test.each(each('issuer_script_enc'))('%s', (_id, v) => {
    const scheme: ScriptEncryption = str(v, 'inputs', 'mode').startsWith('Mastercard') ? 'mastercard' : 'emv';
    const sk = fromHex(str(v, 'inputs', 'sk_smc'));
    const plain = fromHex(str(v, 'inputs', 'plaintext_pin_block'));
    const enciphered = encipherScriptData(sk, plain, scheme);
    expect(toHex(enciphered)).toBe(str(v, 'expected', 'ciphertext'));
    expect(toHex(decipherScriptData(sk, enciphered, scheme))).toBe(toHex(plain));
  });
});

describe('shared vectors: issuer_script_pin_change', () => {
  test.each(each('issuer_script_pin_change'))('%s', (_id, v) => {
    const e = v.expected!;
    if (v.id === 'vis_pin_block_doctest') {
      expect(toHex(visPinBlock(fromHex(str(v, 'inputs', 'icc_mk_ac')), str(v, 'inputs', 'pin')))).toBe(e.pin_block);
      return;
    }
    const pan = str(v, 'inputs', 'pan');
    const psn = str(v, 'inputs', 'psn');
    const imkSmc = fromHex(str(v, 'inputs', 'imk_smc'));
    const imkSmi = fromHex(str(v, 'inputs', 'imk_smi'));
    const mkSmc = deriveIccMasterKey(imkSmc, pan, psn, 'A');
    const mkSmi = deriveIccMasterKey(imkSmi, pan, psn, 'A');
    const visa = v.inputs.visa_sm_atc !== undefined;
    let skSmc: Uint8Array;
    let skSmi: Uint8Array;
    let mkAc: Uint8Array | undefined;
    if (visa) {
      const atc = fromHex(str(v, 'inputs', 'visa_sm_atc'));
      skSmc = deriveVisaSmSessionKey(mkSmc, atc);
      skSmi = deriveVisaSmSessionKey(mkSmi, atc);
      mkAc = deriveIccMasterKey(fromHex(str(v, 'inputs', 'imk_ac')), pan, psn, 'A');
      expect(kcv3(mkAc)).toBe(e.icc_mk_ac_kcv3);
    } else {
      expect(kcv3(imkSmc)).toBe(e.imk_smc_kcv3);
      expect(kcv3(mkSmc)).toBe(e.icc_mk_smc_kcv3);
      expect(kcv3(mkSmi)).toBe(e.icc_mk_smi_kcv3);
      const r = fromHex(str(v, 'inputs', 'csk_r'));
      skSmc = deriveCommonSessionKey(mkSmc, r);
      skSmi = deriveCommonSessionKey(mkSmi, r);
    }
    expect(kcv3(skSmc)).toBe(e.sk_smc_kcv3);
    expect(kcv3(skSmi)).toBe(e.sk_smi_kcv3);
    const scheme: ScriptEncryption = visa ? 'visa' : str(v, 'inputs', 'encryption') === 'MC' ? 'mastercard' : 'emv';
    const currentPin = (v.inputs.current_pin as string | null | undefined) ?? undefined;
    const { pinBlock, enciphered } = pinChangeData({
      encSessionKey: skSmc,
      newPin: str(v, 'inputs', 'new_pin'),
      ...(currentPin !== undefined ? { currentPin } : {}),
      scheme,
      ...(mkAc ? { iccMasterKeyAc: mkAc } : {}),
    });
    expect(toHex(pinBlock)).toBe(e.pin_block);
    expect(toHex(enciphered)).toBe(e.enc_pin_block);
    const header = fromHex(str(v, 'inputs', 'command_header'));
    expect(toHex(issuerScriptMac(skSmi, issuerScriptMacInput(header, undefined, undefined, enciphered)))).toBe(e.mac);
    expect(toHex(decipherScriptData(skSmc, enciphered, scheme))).toBe(toHex(pinBlock));
  });
});

describe('script data and PIN change edge cases', () => {
  const key = fromHex('0123456789ABCDEFFEDCBA9876543210');
  test('Mastercard pads only when the data is not a block multiple', () => {
    expect(encipherScriptData(key, new Uint8Array(8), 'mastercard').length).toBe(8);
    expect(encipherScriptData(key, new Uint8Array(9), 'mastercard').length).toBe(16);
    expect(encipherScriptData(key, new Uint8Array(8), 'emv').length).toBe(16);
  });
  test('AES script data: CBC with method 2 padding to 16 bytes, round trip', () => {
    const k = fromHex('000102030405060708090A0B0C0D0E0F');
    const c = encipherScriptData(k, fromHex('241234FFFFFFFFFF'), 'emv', 'aes');
    expect(c.length).toBe(16);
    expect(toHex(decipherScriptData(k, c, 'emv', 'aes'))).toBe('241234FFFFFFFFFF');
  });
  test('deciphering with the wrong key fails on the padding', () => {
    const c = encipherScriptData(key, fromHex('241234FFFFFFFFFF'), 'emv');
    const wrong = fromHex('1123456789ABCDEFFEDCBA9876543210');
    expect(() => decipherScriptData(wrong, c, 'emv')).toThrow(PaddingError);
  });
  test('the offline plaintext PIN block is the format-2 block (Book 3 §6.5.12)', () => {
    expect(toHex(offlinePlaintextPinBlock('1234'))).toBe('241234FFFFFFFFFF');
  });
  test('current PIN outside VIS and bad PINs are refused', () => {
    expect(() => pinChangeData({ encSessionKey: key, newPin: '1234', currentPin: '0000', scheme: 'emv' })).toThrow(PinBlockError);
    expect(() => pinChangeData({ encSessionKey: key, newPin: '123', scheme: 'emv' })).toThrow(PinBlockError);
    expect(() => pinChangeData({ encSessionKey: key, newPin: '1234', scheme: 'visa' })).toThrow(/master key/);
    expect(() => issuerScriptMacInput(fromHex('84240000'))).toThrow(/5/);
    expect(() => issuerScriptMac(key, new Uint8Array(5), 3)).toThrow(RangeError);
  });
});
