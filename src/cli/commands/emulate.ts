/**
 * `emvsim emulate`: puts emulated cards into pcscd's virtual reader (vpcd),
 * so that every PC/SC program on the machine sees them in a real reader.
 * Card i goes to vpcd slot i (port + i). SIGUSR1 removes the cards, SIGUSR2
 * inserts them again; Ctrl-C stops (card files keep their state).
 */
import type { CommandModule } from 'yargs';
import { untilInterrupted } from '../streams.js';
import { DocumentError } from '../../apdu/errors.js';

interface EmulateArgs {
  card: string[] | undefined;
  vpcd: string;
  removed: boolean;
  trace: boolean;
  contactless: boolean;
}

/** "host:port", "port" or "host" -> address (default 127.0.0.1:35963, vpcd's slot 0). */
export function parseVpcdAddress(text: string): { host: string; port: number } {
  const m = /^(?:(\[[^\]]+\]|[^:]+):)?(\d+)$/.exec(text) ?? /^()([^:]+)$/.exec(text);
  if (!m) throw new DocumentError(`'${text}' is not host:port`, { field: '--vpcd' });
  const host = m[1] ? m[1].replace(/^\[|\]$/g, '') : /^\d+$/.test(text) ? '127.0.0.1' : m[2]!;
  const port = /^\d+$/.test(m[2] ?? '') ? Number(m[2]) : 35963;
  if (port < 1 || port > 65535) throw new DocumentError(`port ${port} is out of range`, { field: '--vpcd' });
  return { host, port };
}

export const emulateCommand: CommandModule<object, EmulateArgs> = {
  command: 'emulate',
  describe: 'Plug emulated cards into pcscd through the vpcd virtual reader (any PC/SC program then sees them)',
  builder: (y) =>
    y
      .option('card', { type: 'string', array: true, describe: 'card file(s); card i goes to vpcd slot i (default: the demo card)' })
      .option('vpcd', { type: 'string', default: '127.0.0.1:35963', describe: "vpcd's address for slot 0 (host:port)" })
      .option('removed', { type: 'boolean', default: false, describe: 'start with the cards out of the reader (insert with SIGUSR2)' })
      .option('trace', { type: 'boolean', default: false, describe: 'print every APDU (PIN blocks masked)' })
      .option('contactless', { type: 'boolean', default: false, describe: 'present the cards over their contactless interface: PPSE, T=1, a PC/SC contactless ATR' })
      .example('$0 emulate --card c.json --contactless', 'a contactless card in "Virtual PCD 00 00"')
      .example('$0 emulate', 'the demo card in "Virtual PCD 00 00"')
      .example('$0 emulate --card alice.json --card bob.json', 'two cards, slots 0 and 1')
      .example('kill -USR1 <pid>', 'remove the cards (SIGUSR2 inserts them)') as never,
  handler: async (argv) => {
    const { VpcdBridge } = await import('../../reader/vpcd-bridge.js');
    const { loadEmulatedCard } = await import('../transport-option.js');
    const { toHex } = await import('../../apdu/bytes.js');
    const { maskCommandHex } = await import('../../apdu/trace.js');
    const { host, port } = parseVpcdAddress(argv.vpcd);
    const files = argv.card?.length ? argv.card : [undefined];
    const out = (s: string) => process.stdout.write(`${new Date().toISOString().slice(11, 23)}  ${s}\n`);
    const cards = await Promise.all(files.map((f) => loadEmulatedCard(f, { contactless: argv.contactless })));
    const bridges = cards.map((card, slot) => {
      const bridge = new VpcdBridge(card, { host, port: port + slot, removed: argv.removed, log: (l) => out(l) });
      const label = `slot ${slot} (${host}:${port + slot})`;
      bridge.on('state', (s: string) => {
        if (s === 'inserted') out(`${card.name} inserted in vpcd ${label}`);
        else if (s === 'removed') out(`${card.name} removed from vpcd ${label}`);
      });
      bridge.on('power', (p: string) => argv.trace && out(`slot ${slot} power ${p}`));
      if (argv.trace) {
        bridge.on('apdu', (c: Uint8Array, r: Uint8Array) => out(`slot ${slot} > ${maskCommandHex(c).hex}\n${' '.repeat(14)}slot ${slot} < ${toHex(r)}`));
      }
      bridge.start();
      return bridge;
    });
    out(`pid ${process.pid}: SIGUSR1 removes the card${cards.length > 1 ? 's' : ''}, SIGUSR2 inserts, Ctrl-C stops`);
    const onRemove = () => { for (const b of bridges) void b.remove(); };
    const onInsert = () => { for (const b of bridges) void b.insert().catch((e: Error) => out(e.message)); };
    process.on('SIGUSR1', onRemove);
    process.on('SIGUSR2', onInsert);
    // With every card removed nothing else would keep Node alive: untilInterrupted does.
    await untilInterrupted(true);
    process.off('SIGUSR1', onRemove);
    process.off('SIGUSR2', onInsert);
    for (const b of bridges) await b.stop();
    for (const c of cards) await c.close();
    out(`stopped (${bridges.reduce((n, b) => n + b.stats.apdus, 0)} APDUs)`);
  },
};
