import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/apdu/bytes.js';
import { DocumentError } from '../../src/apdu/errors.js';
import { parseVpcdAddress } from '../../src/cli/commands/emulate.js';
import { openTransport } from '../../src/cli/transport-option.js';

describe('--vpcd address', () => {
  it('host:port, port, host', () => {
    expect(parseVpcdAddress('127.0.0.1:35963')).toEqual({ host: '127.0.0.1', port: 35963 });
    expect(parseVpcdAddress('35964')).toEqual({ host: '127.0.0.1', port: 35964 });
    expect(parseVpcdAddress('pcsc-box')).toEqual({ host: 'pcsc-box', port: 35963 });
    expect(parseVpcdAddress('[::1]:4000')).toEqual({ host: '::1', port: 4000 });
    expect(() => parseVpcdAddress('host:99999')).toThrow(DocumentError);
  });
});

describe('openTransport', () => {
  it('without --reader or --card: the demo card, answering SELECT of the PSE', async () => {
    const t = await openTransport({});
    await t.coldReset();
    expect(toHex(await t.transmit(fromHex('00A404000E315041592E5359532E4444463031')))).toMatch(/^6F1A840E315041592E5359532E4444463031.*9000$/);
    await t.close();
  });
  it('--reader and --card together are refused', async () => {
    await expect(openTransport({ reader: 'x', card: 'y' })).rejects.toThrow(/--reader or --card, not both/);
  });
});
