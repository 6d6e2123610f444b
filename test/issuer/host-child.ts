/**
 * A host process for the TCP tests: `node --import tsx host-child.ts DB_FILE CARD_COUNT`
 * opens (seeding when new) the database, listens on an ephemeral loopback port
 * and prints {"port": N} on stdout. The crash test kills it with SIGKILL.
 */
import { openIssuerDatabase, isEmpty } from '../../src/issuer/db/schema.js';
import { IssuerHost } from '../../src/issuer/issuer-host.js';
import { seedCards } from '../../src/issuer/seed.js';
import { Iso8583Server } from '../../src/issuer/server.js';
import { loadTestCards, NOW } from './fixtures.js';

const [file, count] = process.argv.slice(2);
const db = openIssuerDatabase(file!);
if (isEmpty(db)) seedCards(db, loadTestCards(Number(count)));
const server = new Iso8583Server({ host: new IssuerHost({ db, clock: () => NOW }), clock: () => NOW });
const address = await server.listen(0, '127.0.0.1');
process.stdout.write(JSON.stringify({ port: address.port }) + '\n');
