/**
 * emvsim/testing: what users' tests import to stand in for the parts of a
 * payment system they do not run, as node-serialport's mock binding does for
 * serial ports.
 *
 *   ScriptedHost, scriptedHostFor(card)   an issuer host that approves, declines or is unreachable
 *                                        as told, with a correct ARPC when it knows the card's keys
 *   ScriptedCardholder                   PIN entries and choices given in advance
 *   ReplayTransport, loadReplayTrace     a recorded APDU trace played back as a card
 *   createSmartcardFake, createPcscliteFake, FakePcscd
 *                                        drop-in fakes of the `smartcard` and `pcsclite` modules over
 *                                        emulated cards (docs/testing.md)
 *
 * Engineers adding fakes: append your exports below the last block.
 */
export { ScriptedHost, scriptedHostFor, issuerKeysOf, type ScriptedHostOptions, type ScriptedIssuerKeys } from './scripted-host.js';
export { ScriptedCardholder, type ScriptedCardholderOptions } from '../terminal/index.js';
export { ReplayTransport, ReplayMismatchError, ReplayExhaustedError, loadReplayTrace, type ReplayOptions, type ReplayPair } from '../apdu/index.js';
// PC/SC fakes (issue 12 item 3): drop-in `smartcard` and `pcsclite` modules over emulated cards.
export {
  FakePcscd,
  createSmartcardFake,
  createPcscliteFake,
  FakePCSCLite,
  FakeCardReader,
  PCSC_CONSTANTS,
  fakePcscd,
  smartcardFake,
  pcscliteFake,
  type FakePcscdOptions,
  type SmartcardFake,
  type SmartcardCardLike,
  type SmartcardTransmitOptions,
  type PcscliteFake,
} from './pcsc-fakes/index.js';
