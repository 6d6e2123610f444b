/**
 * emvsim/testing: what users' tests import.
 */
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
