/**
 * Drop-in fakes of the two Node PC/SC libraries over emulated cards: the
 * `smartcard` and `pcsclite` modules, both bound to a FakePcscd whose virtual
 * readers take any CardTransport (createCard() from emvsim/card).
 *
 *   const pcscd = new FakePcscd({ readers: ['Reader 0'] });
 *   const smartcard = createSmartcardFake(pcscd);   // same exports as `smartcard`
 *   const pcsc = createPcscliteFake(pcscd);         // same as `require('pcsclite')`
 *   await pcscd.insert(createCard(), 'Reader 0');   // controls: remove, mute, slow, tear, attach/detachReader
 *
 * `fakePcscd`, `smartcardFake` and `pcscliteFake` are one shared set for
 * `vi.mock('smartcard', ...)` factories, which run before a test's own code.
 */
import { FakePcscd } from './fake-pcscd.js';
import { createPcscliteFake } from './pcsclite-fake.js';
import { createSmartcardFake } from './smartcard-fake.js';

export { FakePcscd, type FakePcscdOptions } from './fake-pcscd.js';
export { createSmartcardFake, type SmartcardFake, type SmartcardCardLike, type SmartcardTransmitOptions } from './smartcard-fake.js';
export { createPcscliteFake, FakePCSCLite, FakeCardReader, type PcscliteFake } from './pcsclite-fake.js';
export { SCARD as PCSC_CONSTANTS } from './pcsc-codes.js';

/** The shared fake pcscd behind `smartcardFake` and `pcscliteFake` (one reader, "emvsim Fake Reader 00 00"). */
export const fakePcscd = new FakePcscd();
/** The `smartcard` module over `fakePcscd`: `vi.mock('smartcard', async () => (await import('emvsim/testing')).smartcardFake)`. */
export const smartcardFake = createSmartcardFake(fakePcscd);
/** The `pcsclite` module over `fakePcscd`: `vi.mock('pcsclite', async () => ({ default: (await import('emvsim/testing')).pcscliteFake }))`. */
export const pcscliteFake = createPcscliteFake(fakePcscd);
