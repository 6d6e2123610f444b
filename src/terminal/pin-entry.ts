/**
 * PIN CVMs, Book 3 §10.5.1 and Book 4 §6.3.4: offline plaintext and enciphered
 * PIN through VERIFY with the PIN try counter (GET DATA 9F17 first; 63Cx wrong
 * PIN with x tries left; 63C0, 6983, 6984 PIN try limit exceeded), and online
 * PIN (an ISO 9564-1 block enciphered by the PIN pad for the host). The PIN pad is the injected
 * cardholder interface; a bypass or a failing PIN pad sets its TVR bit.
 * A PIN-pad reader (env.securePinPad, PC/SC Part 10) takes over offline
 * plaintext PIN: it collects the PIN and sends VERIFY itself.
 */
import { type Bytes, fromCn, toHex } from '../apdu/index.js';
import { EmvsimError } from '../apdu/index.js';
import { decodeTlv, findTag } from '../apdu/index.js';
import { encipherPinForVerify } from '../crypto/index.js';
import { recoverIccPinEnciphermentCertificate } from '../crypto/index.js';
import { offlinePlaintextPinBlock } from '../crypto/index.js';
import type { RsaPublicKey } from '../crypto/index.js';
import { apdu, sendCommand } from './card-io.js';
import type { TransactionContext } from './context.js';
import type { PinEntry, SecurePinEntry } from './environment.js';
import { recoverIccPublicKey, recoverIssuerPublicKey, staticDataToAuthenticate } from './oda-keys.js';
import { encipherOnlinePin } from './online-pin-block.js';
import { transactionDate } from './terminal-data.js';

export type PinOutcome = 'successful' | 'failed' | 'bypassed' | 'pin-pad-failure' | 'try-limit-exceeded' | 'unavailable';

const MAX_PROMPTS = 16;

/** Reads the PIN try counter with GET DATA 9F17 (Book 3 §6.5.7); undefined when the card does not give it. */
export async function readPinTryCounter(ctx: TransactionContext): Promise<number | undefined> {
  const r = await sendCommand(ctx, apdu.getData(0x9f17), 'GET DATA PIN try counter');
  if (r.sw !== 0x9000) return undefined;
  try {
    const v = findTag(decodeTlv(r.data), '9F17')?.value;
    return v && v.length === 1 ? v[0]! : undefined;
  } catch (err) {
    if (err instanceof EmvsimError) return undefined;
    throw err;
  }
}

function pinPadUsable(ctx: TransactionContext): boolean {
  const pad = ctx.env.config.pinPad;
  if (pad.present && pad.working) return true;
  ctx.setTvr('pinPadNotPresentOrNotWorking', `PIN pad ${pad.present ? 'not working' : 'not present'}`);
  return false;
}

function afterEntry(ctx: TransactionContext, entry: PinEntry): 'pin' | PinOutcome {
  if (entry.kind === 'pin') return 'pin';
  if (entry.kind === 'bypass') {
    ctx.facts.pinBypassed = true;
    ctx.setTvr('pinNotEntered', 'PIN entry bypassed (Book 4 §6.3.4.1)');
    return 'bypassed';
  }
  ctx.setTvr('pinPadNotPresentOrNotWorking', 'PIN pad failed during entry');
  return 'pin-pad-failure';
}

/**
 * The key for offline enciphered PIN (Book 2 §7.1, Book 3 §10.5.1): the ICC PIN
 * encipherment public key (9F2D) when the card has one, else the ICC public key
 * (9F46). The terminal recovers it itself when ODA did not (SDA only, ODA not
 * performed): the issuer public key from 90/92/9F32 under the CAPK, then 9F2D, or
 * 9F46 verified as in Book 2 §6.4 over the static data ODA collected.
 */
function pinEnciphermentKey(ctx: TransactionContext): RsaPublicKey | undefined {
  const hasPinCertificate = ctx.tag('9F2D') !== undefined;
  if (!hasPinCertificate && ctx.iccPublicKey) return ctx.iccPublicKey;
  if (!hasPinCertificate && !ctx.tag('9F46')) {
    ctx.decide('the card has neither an ICC PIN encipherment public key certificate (9F2D) nor an ICC public key certificate (9F46) (Book 2 §7.1)');
    return undefined;
  }
  const issuer = recoverIssuerPublicKey(ctx);
  if (!issuer.ok) {
    ctx.decide(`PIN encipherment key: ${issuer.why}`);
    return undefined;
  }
  if (hasPinCertificate) {
    const r = recoverIccPinEnciphermentCertificate({
      issuerPublicKey: issuer.key,
      certificate: ctx.tag('9F2D'),
      remainder: ctx.tag('9F2F'),
      exponent: ctx.tag('9F2E'),
      pan: ctx.tag('5A'),
      transactionDate: transactionDate(ctx),
    });
    if (r.ok && r.iccPublicKey) {
      ctx.decide('ICC PIN encipherment public key recovered from 9F2D (Book 2 §7.1)');
      return r.iccPublicKey;
    }
    ctx.decide(`ICC PIN encipherment certificate: ${r.failures.join('; ')}`);
    return undefined;
  }
  const staticData = staticDataToAuthenticate(ctx);
  if (typeof staticData === 'string') {
    ctx.decide(`ICC public key for PIN encipherment: ${staticData}`);
    return undefined;
  }
  const icc = recoverIccPublicKey(ctx, issuer.key, staticData);
  if (!icc.ok) {
    ctx.decide(`ICC public key for PIN encipherment: ${icc.why}`);
    return undefined;
  }
  ctx.decide(`${icc.how}: used as the PIN encipherment key (Book 2 §7.1)`);
  return icc.key;
}

/** Offline PIN (plaintext or enciphered) with re-prompts while tries remain. */
export async function offlinePin(ctx: TransactionContext, enciphered: boolean): Promise<PinOutcome> {
  if (ctx.facts.pinBypassed) {
    ctx.setTvr('pinNotEntered', 'PIN entry was bypassed earlier in this transaction; later PIN CVMs count as bypassed (Book 4 §6.3.4.1)');
    return 'bypassed';
  }
  if (!pinPadUsable(ctx)) return 'pin-pad-failure';
  const securePad = ctx.env.securePinPad;
  if (securePad && !enciphered) return securePlaintextPin(ctx, securePad);
  if (securePad) {
    // Book 3 §10.5.1: an enciphered PIN is enciphered by the terminal with the ICC's RSA key
    // after GET CHALLENGE; VERIFY_PIN_DIRECT can only insert the digits into a plaintext
    // format 2 block in a fixed APDU, the reader cannot encipher, so this PIN takes the normal path.
    ctx.decide("offline enciphered PIN: the reader's PIN pad can only send a plaintext PIN block, PIN entered through the terminal (Book 3 §10.5.1)");
  }
  let key: RsaPublicKey | undefined;
  if (enciphered) {
    key = pinEnciphermentKey(ctx);
    if (!key) {
      ctx.decide('no usable PIN encipherment key (9F2D or ICC public key): enciphered PIN cannot be performed');
      return 'unavailable';
    }
  }
  const before = await pinTriesBeforeEntry(ctx);
  if (before === 'try-limit-exceeded') return before;
  let tries = before;
  let afterWrongPin = false;
  for (let prompt = 0; prompt < MAX_PROMPTS; prompt++) {
    const lastTry = tries === 1;
    if (lastTry) ctx.env.cardholder.display('LAST PIN TRY');
    const entry = await ctx.env.cardholder.enterPin({
      kind: enciphered ? 'offline-enciphered' : 'offline-plaintext',
      amountMinor: ctx.request.amountMinor,
      currencyCode: ctx.currencyCode,
      ...(tries !== undefined ? { triesLeft: tries } : {}),
      lastTry,
      afterWrongPin,
    });
    const next = afterEntry(ctx, entry);
    if (next !== 'pin') return next;
    const pin = (entry as { pin: string }).pin;
    let block: Bytes;
    try {
      block = offlinePlaintextPinBlock(pin);
    } catch (err) {
      if (!(err instanceof EmvsimError)) throw err;
      ctx.decide(`PIN entry rejected by the PIN pad: ${err.message}`);
      afterWrongPin = true;
      continue;
    }
    let data = block;
    if (enciphered) {
      const challenge = await sendCommand(ctx, apdu.getChallenge(), 'GET CHALLENGE');
      if (challenge.sw !== 0x9000 || challenge.data.length !== 8) {
        ctx.decide(`GET CHALLENGE answered ${toHex(Uint8Array.of(challenge.sw1, challenge.sw2))}: enciphered PIN not possible`);
        return 'failed';
      }
      data = encipherPinForVerify({ publicKey: key!, pinBlock: block, iccUnpredictableNumber: challenge.data, random: (n) => ctx.env.random.bytes(n) });
    }
    const r = await sendCommand(ctx, apdu.verify(enciphered ? 0x88 : 0x80, data), enciphered ? 'VERIFY (enciphered PIN)' : 'VERIFY (plaintext PIN)');
    if (r.sw === 0x9000) {
      if (tries !== undefined) ctx.pinTryCounter = await readPinTryCounter(ctx).then((v) => v ?? tries);
      ctx.decide('PIN verified by the card');
      ctx.facts.offlinePinVerified = true;
      return 'successful';
    }
    if (r.sw1 === 0x63 && (r.sw2 & 0xf0) === 0xc0) {
      tries = r.sw2 & 0x0f;
      ctx.pinTryCounter = tries;
      if (tries === 0) {
        ctx.setTvr('pinTryLimitExceeded', 'wrong PIN and no tries left (63C0)');
        return 'try-limit-exceeded';
      }
      ctx.env.cardholder.display('INCORRECT PIN');
      ctx.decide(`wrong PIN, ${tries} ${tries === 1 ? 'try' : 'tries'} left (63C${tries.toString(16).toUpperCase()})`);
      afterWrongPin = true;
      continue;
    }
    if (r.sw === 0x6983 || r.sw === 0x6984) {
      ctx.pinTryCounter = 0;
      ctx.setTvr('pinTryLimitExceeded', `VERIFY answered ${toHex(Uint8Array.of(r.sw1, r.sw2))} (PIN blocked)`);
      return 'try-limit-exceeded';
    }
    ctx.decide(`VERIFY answered ${toHex(Uint8Array.of(r.sw1, r.sw2))}: PIN verification failed`);
    return 'failed';
  }
  return 'failed';
}

/** PIN lengths a VERIFY PIN block can carry (Book 3 §6.5.12: 4 to 12 digits). */
const SECURE_PIN_DIGITS = { minDigits: 4, maxDigits: 12 } as const;
/** Seconds the reader waits for the first key before it reports a time-out (6400). */
/**
 * Book 4 §6.3.4: reads the PIN try counter (9F17) before asking for the PIN. A counter of 0
 * sets TVR "PIN try limit exceeded" and the PIN is not asked for.
 */
async function pinTriesBeforeEntry(ctx: TransactionContext): Promise<number | undefined | 'try-limit-exceeded'> {
  const tries = await readPinTryCounter(ctx);
  ctx.pinTryCounter = tries ?? ctx.pinTryCounter;
  if (tries === 0) {
    ctx.setTvr('pinTryLimitExceeded', 'PIN try counter (9F17) is 0 before entry');
    return 'try-limit-exceeded';
  }
  if (tries !== undefined) ctx.decide(`PIN try counter ${tries}`);
  return tries;
}

const SECURE_PIN_TIMEOUT_SECONDS = 30;

const triesText = (n: number) => `${n} ${n === 1 ? 'try' : 'tries'} left`;

/**
 * Offline plaintext PIN on the reader's PIN pad (PC/SC Part 10
 * FEATURE_VERIFY_PIN_DIRECT): the reader collects the PIN and sends
 * VERIFY P2 80 to the card itself, so the kernel sees only the result. The
 * try counter, "INCORRECT PIN" / "LAST PIN TRY" messages and TVR bits follow
 * the same rules as the terminal-keypad path (Book 3 §10.5.1, Book 4 §6.3.4).
 */
async function securePlaintextPin(ctx: TransactionContext, pad: SecurePinEntry): Promise<PinOutcome> {
  const reader = pad.readerName ? `'${pad.readerName}'` : "the reader's PIN pad";
  const before = await pinTriesBeforeEntry(ctx);
  if (before === 'try-limit-exceeded') return before;
  let tries = before;
  for (let prompt = 0; prompt < MAX_PROMPTS; prompt++) {
    if (tries === 1) ctx.env.cardholder.display('LAST PIN TRY');
    ctx.env.cardholder.display(`ENTER PIN ON THE READER${tries !== undefined ? ` (${triesText(tries)})` : ''}`);
    const answer = await pad.verifyOfflinePlaintextPin({ ...SECURE_PIN_DIGITS, timeoutSeconds: SECURE_PIN_TIMEOUT_SECONDS });
    const sw = answer.sw !== undefined ? ` (${answer.sw.toString(16).toUpperCase().padStart(4, '0')})` : '';
    switch (answer.result) {
      case 'verified':
        if (tries !== undefined) ctx.pinTryCounter = await readPinTryCounter(ctx).then((v) => v ?? tries);
        ctx.decide(`PIN verified by the card, entered on ${reader} (VERIFY sent by the reader; the PIN never passed through the host)`);
        ctx.facts.offlinePinVerified = true;
        return 'successful';
      case 'wrong-pin':
        tries = answer.triesLeft;
        ctx.pinTryCounter = tries;
        if (tries === 0) {
          ctx.setTvr('pinTryLimitExceeded', `wrong PIN on ${reader} and no tries left${sw}`);
          return 'try-limit-exceeded';
        }
        ctx.env.cardholder.display('INCORRECT PIN');
        ctx.decide(`wrong PIN on ${reader}, ${triesText(tries)}${sw}`);
        continue;
      case 'blocked':
        ctx.pinTryCounter = 0;
        ctx.setTvr('pinTryLimitExceeded', `VERIFY from ${reader}: PIN try limit exceeded${sw}`);
        return 'try-limit-exceeded';
      case 'timeout':
      case 'cancelled':
        // Book 4 §6.3.4.1: no PIN was entered although the PIN pad works; like a bypass,
        // later PIN CVMs in this transaction count as bypassed.
        ctx.facts.pinBypassed = true;
        ctx.setTvr('pinNotEntered', `PIN entry on ${reader} ${answer.result === 'timeout' ? 'timed out' : 'was cancelled'}${sw}`);
        return 'bypassed';
      case 'bad-length':
        ctx.decide(`${reader} rejected the PIN length (outside ${SECURE_PIN_DIGITS.minDigits}..${SECURE_PIN_DIGITS.maxDigits} digits)${sw}: PIN verification failed`);
        return 'failed';
      default:
        ctx.decide(`PIN entry on ${reader} ended with '${answer.result}'${sw}: PIN verification failed`);
        return 'failed';
    }
  }
  return 'failed';
}

/**
 * Online PIN (Book 3 §10.5.1, Book 4 §6.3.4.2): captured on the PIN pad and
 * enciphered there under the terminal's PIN encryption key (ISO 9564-1 format
 * of the profile's `onlinePin`); the authorisation request carries only the
 * enciphered block. A PIN pad without a PIN key cannot do online PIN: it is
 * treated as not working (TVR "PIN pad not present or not working").
 */
export async function onlinePin(ctx: TransactionContext): Promise<PinOutcome> {
  if (ctx.facts.pinBypassed) {
    ctx.setTvr('pinNotEntered', 'PIN entry was bypassed earlier in this transaction (Book 4 §6.3.4.1)');
    return 'bypassed';
  }
  if (!pinPadUsable(ctx)) return 'pin-pad-failure';
  const settings = ctx.env.config.onlinePin;
  if (!settings) {
    ctx.setTvr('pinPadNotPresentOrNotWorking', 'the PIN pad has no PIN encryption key (onlinePin in the terminal profile): online PIN cannot be enciphered');
    return 'pin-pad-failure';
  }
  const entry = await ctx.env.cardholder.enterPin({
    kind: 'online',
    amountMinor: ctx.request.amountMinor,
    currencyCode: ctx.currencyCode,
    lastTry: false,
    afterWrongPin: false,
  });
  const next = afterEntry(ctx, entry);
  if (next !== 'pin') return next;
  const pan = fromCn(ctx.tag('5A') ?? new Uint8Array(0));
  try {
    ctx.onlinePinBlock = encipherOnlinePin(settings, (entry as { pin: string }).pin, pan, (n) => ctx.env.random.bytes(n));
  } catch (err) {
    if (!(err instanceof EmvsimError)) throw err;
    ctx.decide(`online PIN not usable: ${err.message}`);
    return 'failed';
  }
  ctx.facts.onlinePinEntered = true;
  ctx.setTvr(
    'onlinePinEntered',
    `online PIN enciphered by the PIN pad (ISO 9564-1 format ${settings.format}, ${settings.format === 4 ? 'AES' : 'TDES'} key ${settings.keySource}) for the host`,
  );
  return 'successful';
}
