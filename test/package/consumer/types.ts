// Compiled with skipLibCheck false: every public subpath's types must check in a consumer.
import * as root from 'emvsim';
import * as apdu from 'emvsim/apdu';
import * as card from 'emvsim/card';
import * as conformance from 'emvsim/conformance';
import * as crypto from 'emvsim/crypto';
import * as geldkarte from 'emvsim/geldkarte';
import * as issuer from 'emvsim/issuer';
import * as reader from 'emvsim/reader';
import * as terminal from 'emvsim/terminal';
import * as testing from 'emvsim/testing';
import pkg from 'emvsim/package.json' with { type: 'json' };

const host: terminal.AuthorisationHost = issuer.createInProcessHost();
const options: root.CreateTerminalOptions = { profile: 'eu-pos-pin', host, cardholder: { pins: ['1234'] }, random: 1 };
const t: root.Terminal = root.createTerminal(options);
const emulated: card.EmulatedCard = card.createDemoCard();
const transport: apdu.CardTransport = emulated;
const pending: Promise<terminal.TransactionOutcome> = t.transact(transport, { amount: 100, currency: 'EUR', type: 'goods' });
const scripted: terminal.AuthorisationHost = new testing.ScriptedHost({ mode: 'approve' });
const purse: apdu.CardTransport = geldkarte.createPurseCard();
const mac: Uint8Array = crypto.retailMac(new Uint8Array(16), new Uint8Array(8));
const results: Promise<conformance.CaseResult[]> = conformance.runCases([]);
const listing: () => Promise<unknown[]> = () => reader.listPcscReaders();
const version: string = pkg.version;
export { pending, scripted, purse, mac, results, listing, version };
