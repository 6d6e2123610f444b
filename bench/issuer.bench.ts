/**
 * Issuer host throughput: authorisations per second in-process (IssuerHost,
 * in-memory SQLite) and over ISO 8583 TCP on loopback (file database, WAL,
 * every answer after its commit is fdatasync'ed off the event loop, see
 * src/issuer/db/durability.ts; 20 concurrent terminals), with p50/p99 latency
 * and the number of fsyncs (group commit: far fewer than authorisations).
 * Requests carry a real ARQC (computed up front, outside the timing).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bcd, concat, fromHex, uintBytes, type Bytes } from '../src/apdu/bytes.js';
import { deriveCommonSessionKey, deriveIccMasterKey, generateApplicationCryptogram } from '../src/crypto/index.js';
import { Iso8583HostClient } from '../src/issuer/client.js';
import { openIssuerDatabase } from '../src/issuer/db/schema.js';
import { IssuerHost } from '../src/issuer/issuer-host.js';
import { seedCards, type SeedCard } from '../src/issuer/seed.js';
import { Iso8583Server } from '../src/issuer/server.js';
import type { AuthorisationRequest } from '../src/terminal/host.js';
import { percentile, type BenchRow, type BenchSuite } from './harness.js';
import { IMK, issuerSeedCard } from './issuer-cards.js';

const NOW = Date.UTC(2025, 5, 15, 12);

function card(i: number): SeedCard {
  return issuerSeedCard({
    label: `bench ${i}`,
    pan: `47617300000000${String(i).padStart(2, '0')}`,
    balanceMinor: 1e12,
    dailyAmountLimitMinor: 1e13,
    dailyCountLimit: 1e9,
  });
}

/** A 0100 with the ARQC the card would compute (CDOL1 data || AIP || ATC || IAD). */
function request(c: SeedCard, atc: number, terminal: number): AuthorisationRequest {
  const values: [string, Bytes][] = [
    ['9F02', bcd(100 + (atc % 900), 6)], ['9F03', bcd(0, 6)], ['9F1A', fromHex('0826')], ['95', fromHex('0000008000')],
    ['5F2A', fromHex('0978')], ['9A', fromHex('250615')], ['9C', fromHex('00')], ['9F37', uintBytes(atc * 7919, 4)],
    ['9F35', fromHex('22')], ['9F34', fromHex('420300')],
  ];
  const aip = fromHex('3900');
  const atcBytes = uintBytes(atc, 2);
  const iad = fromHex('06011203A00000');
  const mk = deriveIccMasterKey(fromHex(IMK.ac), c.pan, c.psn, 'A');
  const arqc = generateApplicationCryptogram(deriveCommonSessionKey(mk, atcBytes), concat(...values.map(([, v]) => v), aip, atcBytes, iad));
  return {
    kind: 'authorisation', pan: c.pan, panSequenceNumber: c.psn, amountMinor: 100 + (atc % 900), currency: '978', date: '250615', time: '120000',
    transactionType: '00', posEntryMode: '051', terminalId: `T${String(terminal).padStart(7, '0')}`, merchantId: 'BENCH', terminalCountry: '826',
    stan: String(atc).padStart(6, '0'), iccData: new Map([...values, ['82', aip], ['9F36', atcBytes], ['9F10', iad], ['9F26', arqc]]),
  };
}

async function inProcess(): Promise<BenchRow[]> {
  const db = openIssuerDatabase(':memory:');
  const c = card(0);
  seedCards(db, [c]);
  const host = new IssuerHost({ db, clock: () => NOW });
  const n = 3000;
  const requests = Array.from({ length: n }, (_, i) => request(c, i + 1, 0));
  const latencies: number[] = [];
  const start = performance.now();
  for (const r of requests) {
    const t = performance.now();
    if (host.authoriseSync(r).responseCode !== '00') throw new Error('bench request declined');
    latencies.push(performance.now() - t);
  }
  const seconds = (performance.now() - start) / 1000;
  return [
    { suite: 'issuer', metric: 'in-process authorisations', value: n / seconds, unit: 'auth/s', note: 'ARQC check + ARPC + ledger, :memory:' },
    { suite: 'issuer', metric: 'in-process latency p50', value: percentile(latencies, 50), unit: 'ms' },
    { suite: 'issuer', metric: 'in-process latency p99', value: percentile(latencies, 99), unit: 'ms' },
  ];
}

async function overTcp(): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'emvsim-issuer-bench-'));
  const terminals = 20;
  const perTerminal = 150;
  try {
    const db = openIssuerDatabase(path.join(dir, 'bench.sqlite'));
    const cards = Array.from({ length: terminals }, (_, i) => card(i));
    seedCards(db, cards);
    const host = new IssuerHost({ db, clock: () => NOW });
    const server = new Iso8583Server({ host });
    const { port } = await server.listen(0);
    const requests = cards.map((c, t) => Array.from({ length: perTerminal }, (_, i) => request(c, i + 1, t)));
    const latencies: number[] = [];
    const start = performance.now();
    await Promise.all(
      requests.map(async (list) => {
        const client = new Iso8583HostClient({ port, timeoutMs: 30_000 });
        for (const r of list) {
          const t = performance.now();
          if ((await client.authorise(r)).responseCode !== '00') throw new Error('bench request declined');
          latencies.push(performance.now() - t);
        }
        client.close();
      }),
    );
    const seconds = (performance.now() - start) / 1000;
    await server.close();
    db.close();
    const note = `${terminals} terminals, WAL, answers after fdatasync, group commit`;
    const fsyncs = host.durability?.syncs ?? 0;
    return [
      { suite: 'issuer', metric: 'ISO 8583 TCP authorisations', value: (terminals * perTerminal) / seconds, unit: 'auth/s', note },
      { suite: 'issuer', metric: 'TCP latency p50', value: percentile(latencies, 50), unit: 'ms' },
      { suite: 'issuer', metric: 'TCP latency p99', value: percentile(latencies, 99), unit: 'ms' },
      { suite: 'issuer', metric: 'TCP fsyncs', value: fsyncs, unit: 'fsync', note: `for ${terminals * perTerminal} authorisations` },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const issuerSuite: BenchSuite = {
  name: 'issuer',
  async run() {
    return [...(await inProcess()), ...(await overTcp())];
  },
};
