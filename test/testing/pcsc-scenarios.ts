/**
 * One script of calls per PC/SC library, run unchanged against the real
 * library on pcscd + vpcd (test/reader/pcsc-fakes-compare.ts, in the PC/SC integration suite) and against
 * our fake (test/testing/pcsc-fakes.test.ts): each returns a transcript (results,
 * error messages, events in order) that must be equal line for line.
 * Upper 16 bits of state words (pcsc-lite's event counter) depend on the
 * reader's history and are masked; everything else is compared as is.
 */
import type { FakeCardReader, FakePCSCLite, SmartcardFake } from '../../src/testing/index.js';

/** How a scenario puts the card in and takes it out: vpcd bridge insert/remove, or the fake's controls. */
export interface Rig {
  reader: string;
  insert(): Promise<void>;
  remove(): Promise<void>;
}

export const SELECT_PSE = '00A404000E315041592E5359532E4444463031';
const hex = (b: Uint8Array | null | undefined) => (b ? Buffer.from(b).toString('hex').toUpperCase() : String(b));
const flags = (state: number | undefined) => (state === undefined ? 'undefined' : '0x' + (state & 0xffff).toString(16));
const message = (err: unknown) => (err instanceof Error ? `${err.constructor.name}: ${err.message}` : String(err));

/** Resolves when `predicate` holds, checking after every event (no sleeps). */
function until(list: string[], predicate: (lines: string[]) => boolean, timeoutMs: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      if (predicate(list)) return resolve();
      if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${what}; saw:\n${list.join('\n')}`));
      setTimeout(tick, 5);
    };
    tick();
  });
}

/** smartcard: Devices events, transmit with and without autoGetResponse, control, status, reconnect, Context API. */
export async function smartcardScenario(sc: SmartcardFake, rig: Rig): Promise<string[]> {
  const out: string[] = [];
  const events: string[] = [];
  const devices = new sc.Devices();
  let card: ReturnType<SmartcardFake['wrapCard']> | undefined;
  devices.on('reader-attached', (r) => { if (r.name === rig.reader) events.push(`reader-attached ${r.name} ${flags(r.state)} ${hex(r.atr)}`); });
  devices.on('card-inserted', (e) => { if (e.reader.name === rig.reader) { card = e.card; events.push(`card-inserted ${e.reader.name} ${flags(e.reader.state)} ${hex(e.reader.atr)} protocol ${e.card.protocol}`); } });
  devices.on('card-removed', (e) => { if (e.reader.name === rig.reader) events.push(`card-removed ${JSON.stringify(e.reader)} card ${e.card ? 'connected=' + e.card.connected : 'null'}`); });
  devices.on('error', (err) => events.push(`error ${message(err)}`));
  devices.start();
  await until(events, (l) => l.some((x) => x.startsWith('reader-attached')), 5000, 'reader-attached');
  await rig.insert();
  await until(events, (l) => l.some((x) => x.startsWith('card-inserted')), 10_000, 'card-inserted');
  const c = card!;
  const tx = async (label: string, apdu: string, options?: { autoGetResponse?: boolean; maxRecvLength?: number }) => {
    try {
      out.push(`${label}: ${hex(await c.transmit(Buffer.from(apdu, 'hex'), options))}`);
    } catch (err) {
      out.push(`${label}: throws ${message(err)}`);
    }
  };
  out.push(`atr ${hex(c.atr)} connected ${c.connected}`);
  await tx('SELECT PSE raw', SELECT_PSE);
  await tx('GET RESPONSE wrong Le', '00C0000000');
  await tx('SELECT PSE auto', SELECT_PSE, { autoGetResponse: true });
  await tx('READ RECORD Le 00 raw', '00B2010C00');
  await tx('READ RECORD Le 05 auto', '00B2010C05', { autoGetResponse: true });
  await tx('READ RECORD no Le auto', '00B2010C', { autoGetResponse: true });
  await tx('READ RECORD maxRecvLength 10', '00B2010C2B', { maxRecvLength: 10 });
  try {
    out.push(`GET DATA as a number array: ${hex(await c.transmit([0x80, 0xca, 0x9f, 0x17, 0x00]))}`);
  } catch (err) {
    out.push(`GET DATA as a number array: throws ${message(err)}`);
  }
  try {
    out.push(`control: ${hex(await c.control(sc.CM_IOCTL_GET_FEATURE_REQUEST))}`);
  } catch (err) {
    out.push(`control: throws ${message(err)}`);
  }
  const status = c.getStatus();
  out.push(`getStatus ${flags(status.state)} protocol ${status.protocol} atr ${hex(status.atr)}`);
  out.push(`reconnect reset -> ${await c.reconnect(sc.SCARD_SHARE_SHARED, sc.SCARD_PROTOCOL_T0 | sc.SCARD_PROTOCOL_T1, sc.SCARD_RESET_CARD)}`);
  await tx('READ RECORD after reset', '00B2010C2B');
  out.push(`reconnect unpower -> ${await c.reconnect(sc.SCARD_SHARE_SHARED, sc.SCARD_PROTOCOL_T0 | sc.SCARD_PROTOCOL_T1, sc.SCARD_UNPOWER_CARD)}`);

  const ctx = new sc.Context();
  const readers = ctx.listReaders().filter((r) => r.name === rig.reader);
  out.push(`listReaders ${readers.map((r) => `${r.name} ${flags(r.state)} ${hex(r.atr)}`).join(', ')}`);
  try {
    await readers[0]!.connect(sc.SCARD_SHARE_EXCLUSIVE, sc.SCARD_PROTOCOL_T0);
    out.push('exclusive connect: connected');
  } catch (err) {
    out.push(`exclusive connect: throws ${message(err)}`);
  }
  try {
    await readers[0]!.connect(sc.SCARD_SHARE_SHARED, sc.SCARD_PROTOCOL_T1);
    out.push('T=1 connect: connected');
  } catch (err) {
    out.push(`T=1 connect: throws ${message(err)}`);
  }
  const second = await readers[0]!.connect(sc.SCARD_SHARE_SHARED, sc.SCARD_PROTOCOL_T0 | sc.SCARD_PROTOCOL_T1);
  out.push(`second shared handle: protocol ${second.protocol}`);
  await c.reconnect(sc.SCARD_SHARE_SHARED, sc.SCARD_PROTOCOL_T0, sc.SCARD_RESET_CARD);
  try {
    out.push(`second handle after the other reset: ${hex(await second.transmit(Buffer.from('00B2010C2B', 'hex')))}`);
  } catch (err) {
    out.push(`second handle after the other reset: throws ${message(err)}`);
  }
  second.disconnect(sc.SCARD_LEAVE_CARD);

  const change = ctx.waitForChange(readers.map((r) => ({ name: r.name, state: r.state })), 10_000);
  await rig.remove();
  const changed = await change;
  out.push(`waitForChange ${changed?.map((s) => `${s.name} ${flags(s.state)} changed=${s.changed} atr=${hex(s.atr)}`).join(', ')}`);
  await until(events, (l) => l.some((x) => x.startsWith('card-removed')), 10_000, 'card-removed');
  out.push(`after removal connected ${c.connected}`);
  await tx('transmit after removal', '00B2010C00');
  try {
    await readers[0]!.connect(sc.SCARD_SHARE_SHARED, sc.SCARD_PROTOCOL_T0 | sc.SCARD_PROTOCOL_T1);
  } catch (err) {
    out.push(`connect without card: throws ${message(err)}`);
  }
  const idle = await ctx.waitForChange(ctx.listReaders().filter((r) => r.name === rig.reader), 200);
  out.push(`waitForChange timeout -> ${JSON.stringify(idle)}`);
  devices.stop();

  // An app started with the card already in: reader-attached (PRESENT), then card-inserted.
  await rig.insert();
  const present = () => ctx.listReaders().some((r) => r.name === rig.reader && r.state & sc.SCARD_STATE_PRESENT);
  for (const started = Date.now(); !present() && Date.now() - started < 10_000;) await ctx.waitForChange(ctx.listReaders().filter((r) => r.name === rig.reader), 500);
  const later = new sc.Devices();
  const laterEvents: string[] = [];
  later.on('reader-attached', (r) => { if (r.name === rig.reader) laterEvents.push(`reader-attached ${flags(r.state)} ${hex(r.atr)}`); });
  later.on('card-inserted', (e) => { if (e.reader.name === rig.reader) laterEvents.push(`card-inserted ${flags(e.reader.state)} ${hex(e.reader.atr)} protocol ${e.card.protocol}`); });
  later.start();
  await until(laterEvents, (l) => l.length >= 2, 10_000, 'events of a card present at start');
  out.push(...laterEvents.map((e) => `started with the card in: ${e}`));
  out.push(`getCard ${later.getCard(rig.reader)?.connected}, getCards ${[...later.getCards().keys()].filter((n) => n === rig.reader).length}`);
  later.stop();
  await rig.remove();
  ctx.close();
  out.push(`context valid after close ${ctx.isValid}`);
  return [...events.map((e) => `event ${e}`), ...out];
}

/** pcsclite: 'reader' and 'status' events, connect/transmit/control/disconnect callbacks. */
export async function pcscliteScenario(pcsc: () => FakePCSCLite, rig: Rig): Promise<string[]> {
  const out: string[] = [];
  const events: string[] = [];
  const p = pcsc();
  let reader: FakeCardReader | undefined;
  p.on('error', (err: Error) => events.push(`pcsc error ${message(err)}`));
  p.on('reader', (r: FakeCardReader) => {
    // Every reader object gets an 'error' listener, also those this scenario does not follow: the real
    // addon keeps watching them and reports a later pcscd restart as an 'error' event.
    r.on('error', () => undefined);
    if (r.name !== rig.reader) return;
    reader = r;
    events.push(`reader ${r.name} connected=${r.connected}`);
    r.on('status', (s: { state: number; atr?: Buffer }) => events.push(`status ${flags(s.state)} atr=${hex(s.atr)} reader.state=${flags(r.state)}`));
    r.on('error', (err: Error) => events.push(`reader error ${message(err)}`));
    r.on('end', () => events.push('end'));
  });
  await until(events, (l) => l.some((x) => x.startsWith('status')), 5000, 'first status');
  await rig.insert();
  await until(events, (l) => l.some((x) => x.startsWith('status 0x22')), 10_000, 'status present');
  const r = reader!;
  const call = <T>(label: string, f: (cb: (err: Error | null | undefined, value?: T) => void) => void, show: (v: T | undefined) => string = String) =>
    new Promise<void>((resolve) => f((err, value) => { out.push(`${label}: ${err ? `error ${err.message}` : show(value)}`); resolve(); }));
  let protocol = 0;
  await call<number>('connect shared', (cb) => r.connect({ share_mode: r.SCARD_SHARE_SHARED }, (e, v) => { protocol = v ?? 0; cb(e, v); }));
  out.push(`connected=${r.connected}`);
  await call('connect again', (cb) => r.connect((e, v) => cb(e, v === undefined ? 'no protocol' : v)));
  const tx = (label: string, apdu: string, resLen = 258, proto = protocol) => call<Buffer>(label, (cb) => r.transmit(Buffer.from(apdu, 'hex'), resLen, proto, cb), hex);
  await tx('SELECT PSE', SELECT_PSE);
  await tx('GET RESPONSE', '00C000001C');
  await tx('READ RECORD res_len 10', '00B2010C2B', 10);
  await tx('READ RECORD with the T=1 PCI', '00B2010C2B', 258, r.SCARD_PROTOCOL_T1);
  await call<Buffer>('control', (cb) => r.control(Buffer.alloc(0), r.SCARD_CTL_CODE(3400), 256, cb), hex);
  await call('disconnect leave', (cb) => r.disconnect(r.SCARD_LEAVE_CARD, (e) => cb(e, `ok connected=${r.connected}`)));
  await call('disconnect again', (cb) => r.disconnect((e) => cb(e, 'ok')));
  await tx('transmit when not connected', '00B2010C00');
  await call<number>('connect T=1 only', (cb) => r.connect({ share_mode: r.SCARD_SHARE_SHARED, protocol: r.SCARD_PROTOCOL_T1 }, cb));
  await call<number>('connect default (exclusive)', (cb) => r.connect(cb));
  await rig.remove();
  const empty = (x: string) => /^status 0x[0-9a-f]+ /.test(x) && (parseInt(x.split(' ')[1]!, 16) & 0x10) !== 0;
  await until(events, (l) => l.filter(empty).length >= 2, 10_000, 'status empty');
  await tx('transmit after removal', '00B2010C00');
  await call('disconnect after removal', (cb) => r.disconnect((e) => cb(e, `ok connected=${r.connected}`)));
  r.close();
  await until(events, (l) => l.includes('end'), 5000, 'end');
  p.close();
  await until(events, (l) => l.some((x) => x.startsWith('pcsc error')), 5000, "'error' after close()");
  out.push(`readers left ${Object.keys(p.readers).filter((n) => n === rig.reader).length}`);

  // Started with the card already in: the first status is PRESENT with the ATR.
  await rig.insert();
  const second = pcsc();
  const secondErrors: string[] = [];
  second.on('error', (err: Error) => secondErrors.push(message(err)));
  const [first, secondReader] = await new Promise<[string, FakeCardReader]>((resolve) => {
    second.on('reader', (reader: FakeCardReader) => {
      reader.on('error', () => undefined); // as above: a later pcscd restart is reported as 'error'
      if (reader.name !== rig.reader) return;
      reader.on('status', (s: { state: number; atr?: Buffer }) => {
        if (s.state & reader.SCARD_STATE_PRESENT) resolve([`${flags(s.state)} atr=${hex(s.atr)}`, reader]);
      });
    });
  });
  out.push(`started with the card in: first PRESENT status ${first}`);
  // Not from inside a 'status' listener: the real addon holds the reader's mutex while it calls
  // back, and close() takes it again (a deadlock of the whole process).
  secondReader.close();
  second.close();
  await until(secondErrors, (l) => l.length > 0, 5000, "'error' after close()");
  out.push(`after close(): error ${secondErrors.join(', ')}`);
  await rig.remove();
  return [...events.map((e) => `event ${e}`), ...out];
}
