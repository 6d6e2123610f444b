/** `emvsim hid list`: HID devices (PIN pads, magstripe readers) through the optional node-hid. */
import type { CommandModule } from 'yargs';

interface HidArgs {
  json: boolean;
  all: boolean;
}

const listCommand: CommandModule<object, HidArgs> = {
  command: 'list',
  describe: 'List HID keypads and magstripe readers',
  builder: (y) =>
    y
      .option('json', { type: 'boolean', default: false, describe: 'print JSON' })
      .option('all', { type: 'boolean', default: false, describe: 'also list devices that are neither keypads nor swipe readers' })
      .example('$0 hid list', 'HID keypads and magstripe readers: kind, vendor:product, name, /dev/hidraw path')
      .example('$0 hid list --all --json', 'every HID device node-hid can see, as JSON') as never,
  handler: async (argv) => {
    const { listHidDevices } = await import('../../reader/hid/hid-device.js');
    const devices = listHidDevices().filter((d) => argv.all || d.kind !== 'other');
    if (argv.json) {
      process.stdout.write(JSON.stringify(devices, null, 2) + '\n');
      return;
    }
    if (devices.length === 0) {
      process.stdout.write(`no HID ${argv.all ? '' : 'keypads or magstripe readers '}found (node-hid sees /dev/hidraw* devices you may read)\n`);
      return;
    }
    const hex4 = (n: number) => n.toString(16).padStart(4, '0');
    for (const d of devices) {
      process.stdout.write(`${d.kind.padEnd(9)}  ${hex4(d.vendorId)}:${hex4(d.productId)}  ${[d.manufacturer, d.product].filter(Boolean).join(' ')}  ${d.path}\n`);
    }
  },
};

export const hidCommand: CommandModule = {
  command: 'hid',
  describe: 'HID PIN pads and magstripe readers (node-hid)',
  builder: (y) => y.command(listCommand).demandCommand(1, 'Name a hid subcommand: list'),
  handler: () => {},
};
