/**
 * src/reader: real readers. Nothing here loads a native addon at import time:
 * `smartcard` (PC/SC), `sockopt` (TCP_QUICKACK) and `node-hid` load on first use.
 *
 *   listPcscReaders(), openPcscReader(name, { share, protocols, waitMs, transmitTimeoutMs }) -> PcscTransport
 *       (CardTransport + ReaderControl; typed errors, recovers after a pcscd restart)
 *   watchReaders(onEvent, options) -> ReaderWatch     deduplicated reader/card/service events
 *   VpcdBridge(card, { host, port | slot, removed, backoff }) .start() .insert() .remove() .stop()
 *   discoverSecurePinPad(control) -> SecurePinPad | undefined    PC/SC Part 10 secure PIN entry
 *   HidPinPad, HidMagstripeReader, readSwipe, isChipCard, luhnValid    HID devices, ISO/IEC 7813
 */
export {
  PCSC_INSTALL_HINT,
  PcscUnavailableError,
  PcscServiceError,
  NoReaderError,
  NoCardError,
  MuteCardError,
  SharingViolationError,
  CardRemovedError,
  CardResetError,
  PcscError,
  pcscErrorFrom,
  isServiceLost,
} from './errors.js';
export { listPcscReaders, openPcscReader, resolveReaderName, PcscTransport, type PcscConnectOptions, type PcscReaderInfo, type ShareMode } from './pcsc-transport.js';
export { watchReaders, type ReaderWatch, type WatchOptions } from './pcsc-watch.js';
export { describeEvent, diffReaders, presenceOf, type ReaderEvent, type CardPresence } from './reader-events.js';
export { VpcdBridge, bridgeCards, type VpcdBridgeOptions, type BridgeState } from './vpcd-bridge.js';
export { VPCD_DEFAULT_HOST, VPCD_DEFAULT_PORT } from './vpcd-protocol.js';
export {
  discoverSecurePinPad,
  SecurePinPad,
  buildEmvVerifyPinStructure,
  buildModifyPinStructure,
  classifyPinAnswer,
  parseFeatureList,
  CM_IOCTL_GET_FEATURE_REQUEST,
  scardCtlCode,
  FEATURE,
  type ReaderControl,
  type SecurePinResult,
  type PinEntryParameters,
} from './part10.js';
export { preparePcscd, type PcscdEnvironment, type PcscdAvailability } from './pcscd-daemon.js';
export { HidPinPad, PinEntrySession, KeypadDecoder, type PinEntryDevice, type PinEntryResult, type PinEntryOptions } from './hid/keypad.js';
export { HidMagstripeReader, parseMagtekReport, type MagstripeReader } from './hid/magstripe.js';
export { readSwipe, isChipCard, luhnValid, parseTrack1, parseTrack2, isExpired, serviceRestriction, TrackError, type SwipedCard } from './hid/iso7813.js';
export { listHidDevices, openHidDevice, ReplayHidDevice, type HidReportSource, type HidDeviceInfo } from './hid/hid-device.js';
