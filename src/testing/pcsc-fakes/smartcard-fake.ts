/**
 * A drop-in for the `smartcard` module (tomkp/smartcard 3.x): every export the
 * package has, bound to one FakePcscd. Use it in place of the real module:
 *
 *   vi.mock('smartcard', async () => (await import('emvsim/testing')).smartcardFake);
 *   // or inject it: new fake.Devices() / readCard(createSmartcardFake(pcscd))
 */
import { CM_IOCTL_GET_FEATURE_REQUEST, parseFeatureList, scardCtlCode } from '../../reader/index.js';
import { SCARD } from './pcsc-codes.js';
import type { FakePcscd } from './fake-pcscd.js';
import { createNativeClasses } from './smartcard-native.js';
import {
  CardRemovedError, CardWrapper, NoReadersError, PCSCError, ServiceNotRunningError, SharingViolationError, TimeoutError,
  buildGetResponseCommand, correctLeInCommand, createDevicesClass, createPCSCError, transmitWithAutoResponse, wrapCard,
} from './smartcard-devices.js';

export type { SmartcardCardLike, SmartcardReaderState, SmartcardTransmitOptions, MonitorEvent } from './smartcard-native.js';
export type { FakeDevicesOptions, ReaderEventInfo } from './smartcard-devices.js';

/** smartcard's parseFeatures: tag -> control code; a malformed list yields what parsed before the fault. */
function parseFeatures(response: Buffer): Map<number, number> {
  try {
    return parseFeatureList(response);
  } catch {
    return new Map();
  }
}

/** PC/SC Part 10 §2.3 feature tags 01..13, named as smartcard exports them (FEATURE_VERIFY_PIN_START = 0x01, ...). */
const FEATURE_NAMES = [
  'VERIFY_PIN_START', 'VERIFY_PIN_FINISH', 'MODIFY_PIN_START', 'MODIFY_PIN_FINISH', 'GET_KEY_PRESSED', 'VERIFY_PIN_DIRECT',
  'MODIFY_PIN_DIRECT', 'MCT_READER_DIRECT', 'MCT_UNIVERSAL', 'IFD_PIN_PROPERTIES', 'ABORT', 'SET_SPE_MESSAGE',
  'VERIFY_PIN_DIRECT_APP_ID', 'MODIFY_PIN_DIRECT_APP_ID', 'WRITE_DISPLAY', 'GET_KEY', 'IFD_DISPLAY_PROPERTIES',
  'GET_TLV_PROPERTIES', 'CCID_ESC_COMMAND',
] as const;
function featureConstants(): Record<`FEATURE_${(typeof FEATURE_NAMES)[number]}`, number> {
  return Object.fromEntries(FEATURE_NAMES.map((name, i) => [`FEATURE_${name}`, i + 1])) as Record<`FEATURE_${(typeof FEATURE_NAMES)[number]}`, number>;
}

export function createSmartcardFake(pcscd: FakePcscd) {
  const native = createNativeClasses(pcscd);
  const Devices = createDevicesClass(native);
  const module = {
    ...native,
    Devices,
    SCARD_SHARE_EXCLUSIVE: SCARD.SHARE_EXCLUSIVE,
    SCARD_SHARE_SHARED: SCARD.SHARE_SHARED,
    SCARD_SHARE_DIRECT: SCARD.SHARE_DIRECT,
    SCARD_PROTOCOL_T0: SCARD.PROTOCOL_T0,
    SCARD_PROTOCOL_T1: SCARD.PROTOCOL_T1,
    SCARD_PROTOCOL_RAW: SCARD.PROTOCOL_RAW,
    SCARD_PROTOCOL_UNDEFINED: SCARD.PROTOCOL_UNDEFINED,
    SCARD_LEAVE_CARD: SCARD.LEAVE_CARD,
    SCARD_RESET_CARD: SCARD.RESET_CARD,
    SCARD_UNPOWER_CARD: SCARD.UNPOWER_CARD,
    SCARD_EJECT_CARD: SCARD.EJECT_CARD,
    SCARD_STATE_UNAWARE: SCARD.STATE_UNAWARE,
    SCARD_STATE_IGNORE: SCARD.STATE_IGNORE,
    SCARD_STATE_CHANGED: SCARD.STATE_CHANGED,
    SCARD_STATE_UNKNOWN: SCARD.STATE_UNKNOWN,
    SCARD_STATE_UNAVAILABLE: SCARD.STATE_UNAVAILABLE,
    SCARD_STATE_EMPTY: SCARD.STATE_EMPTY,
    SCARD_STATE_PRESENT: SCARD.STATE_PRESENT,
    SCARD_STATE_ATRMATCH: SCARD.STATE_ATRMATCH,
    SCARD_STATE_EXCLUSIVE: SCARD.STATE_EXCLUSIVE,
    SCARD_STATE_INUSE: SCARD.STATE_INUSE,
    SCARD_STATE_MUTE: SCARD.STATE_MUTE,
    transmitWithAutoResponse,
    buildGetResponseCommand,
    correctLeInCommand,
    CardWrapper,
    wrapCard,
    PCSCError,
    CardRemovedError,
    TimeoutError,
    NoReadersError,
    ServiceNotRunningError,
    SharingViolationError,
    createPCSCError,
    SCARD_CTL_CODE: (code: number) => scardCtlCode(code),
    CM_IOCTL_GET_FEATURE_REQUEST,
    ...featureConstants(),
    parseFeatures,
  };
  // `import smartcard from 'smartcard'` (the CommonJS module as an ES default) sees the same object.
  return Object.assign(module, { default: module });
}

export type SmartcardFake = ReturnType<typeof createSmartcardFake>;
