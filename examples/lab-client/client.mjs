#!/usr/bin/env node
// Drive `emvsim lab serve` from Node (no dependencies): JSON lines over TCP (docs/lab.md).
//   emvsim lab serve --port 7000 --in-process
//   node examples/lab-client/client.mjs --port 7000 --plan contact-terminal --case cvm-offline-pin-ok
import net from 'node:net';
import readline from 'node:readline';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string' },
    plan: { type: 'string', default: 'contact-terminal' },
    case: { type: 'string', multiple: true },
  },
});
if (!values.port) {
  console.error('usage: client.mjs --port P [--plan NAME] [--case ID ...]');
  process.exit(2);
}

const socket = net.connect(Number(values.port), values.host);
const lines = readline.createInterface({ input: socket })[Symbol.asyncIterator]();
let nextId = 1;

async function request(op, fields = {}) {
  socket.write(JSON.stringify({ id: nextId++, op, ...fields }) + '\n');
  const { value, done } = await lines.next();
  if (done) throw new Error('the lab server closed the connection');
  const answer = JSON.parse(value);
  if (!answer.ok) throw new Error(`${op}: ${answer.error.field}: ${answer.error.message}`);
  return answer;
}

const [plan] = (await request('list', { plan: values.plan })).plans;
console.log(`plan ${plan.name}: ${plan.cases.length} cases`);
let failed = 0;
for (const id of values.case ?? plan.cases.slice(0, 3).map((c) => c.id)) {
  const { selected } = await request('select', { plan: values.plan, case: id });
  let verdict;
  for (let run = 0; run < selected.runs; run++) {
    const inserted = await request('insert');
    console.log(`${id}: card in ${inserted.reader}, amount ${selected.transaction.amount}`);
    await request('wait', { timeoutMs: 30000 });
    verdict = await request('verdict');
  }
  console.log(`  verdict: ${verdict.verdict}${verdict.reason ? ` - ${verdict.reason}` : ''}`);
  for (const f of verdict.findings ?? []) console.log(`    ${f.fault ? `[${f.fault}] ` : ''}${f.rule}: expected ${f.expected}, seen ${f.seen}`);
  await request('remove');
  if (verdict.verdict !== 'pass') failed++;
}
socket.end();
process.exitCode = failed ? 1 : 0;
