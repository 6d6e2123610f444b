/**
 * A scenario's host on a loopback TCP port, speaking the ISO 8583 of `emvsim
 * host --listen`, for terminals in other processes (the lab's {host}).
 */
import { Iso8583Server } from '../issuer/index.js';
import type { AuthorisationHost } from '../terminal/index.js';

export async function listenHost(host: AuthorisationHost, port = 0): Promise<{ address: string; close: () => Promise<void> }> {
  const server = new Iso8583Server({ host, clock: () => Date.now() });
  const a = await server.listen(port, '127.0.0.1');
  return { address: `127.0.0.1:${a.port}`, close: () => server.close() };
}
