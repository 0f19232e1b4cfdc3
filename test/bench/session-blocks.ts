/**
 * A long agent session on disk, with message blocks stored once against every body whole on its
 * line (how sessions were stored before): 500 turns whose prompts are ~150 KB (a system prompt and
 * the latest turns, the oldest falling out as an agent compacts). Prints bytes on disk, the write
 * cost per exchange (the worker's part: the record's line; the forwarding thread's part: the
 * writer), and the time to open one turn (load the index, read the record back whole).
 * `node test/bench/session-blocks.ts [turns] [prompt KB]`
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CapturePipeline } from '../../electron/capture/capture-pipeline.ts';
import {
  type FinishedExchange,
  finishExchange,
  recordLine,
} from '../../electron/capture/finished-exchange.ts';
import { loadIndex, readRecord } from '../../electron/sessions/session-index.ts';
import { SessionWriter } from '../../electron/sessions/session-writer.ts';
import type { ExchangeRecord } from '../../shared/exchange/exchange-record.ts';
import { summarise } from '../../shared/exchange/exchange-summary.ts';
import { jsonExchange, requestStart } from '../support/exchange-events.ts';

const turns = Number(process.argv[2] ?? 500);
const promptBytes = Number(process.argv[3] ?? 150) * 1024;

/** The record of each turn, made by the capture pipeline from the turn's events. */
function sessionRecords(): ExchangeRecord[] {
  const records: ExchangeRecord[] = [];
  const pipeline = new CapturePipeline({ onRecord: (record) => records.push(record) });
  const system = {
    role: 'system',
    content: `You are a coding agent. ${'Follow the repository rules. '.repeat(350)}`,
  };
  const history: Array<{ role: string; content: string }> = [];
  const answer = Buffer.from(
    JSON.stringify({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      model: 'gpt-4o-2024-08-06',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Edited.' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 40000, completion_tokens: 300, total_tokens: 40300 },
    }),
  );
  for (let turn = 0; turn < turns; turn++) {
    history.push({
      role: 'user',
      content: `Tool output ${turn}: ${'const x = readFile(path); '.repeat(60)}`,
    });
    const body = () => JSON.stringify({ model: 'gpt-4o', messages: [system, ...history], temperature: 0 });
    while (history.length > 2 && body().length > promptBytes) history.splice(0, 2);
    const id = `turn-${turn}`;
    const request = Buffer.from(body());
    for (const event of jsonExchange(requestStart(id), request, answer)) pipeline.consume(event);
    history.push({ role: 'assistant', content: `Turn ${turn}: ${'I changed the function. '.repeat(30)}` });
  }
  return records;
}

const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

async function measure(
  name: string,
  records: ExchangeRecord[],
  finish: (r: ExchangeRecord) => FinishedExchange,
) {
  const dir = await mkdtemp(join(tmpdir(), 'tokentap-blocks-'));
  const dataPath = join(dir, 's.jsonl');
  const indexPath = join(dir, 's.index.jsonl');
  try {
    let cpu = process.cpuUsage();
    const finished = records.map(finish);
    const workerMs = cpuMs(cpu);
    const writer = await SessionWriter.open(dataPath, indexPath, { written: () => {}, health: () => {} });
    cpu = process.cpuUsage();
    for (const exchange of finished) {
      writer.append(exchange);
      await writer.flush();
    }
    const writerMs = cpuMs(cpu);
    await writer.close();
    const bytes = (await stat(dataPath)).size;
    const opens: number[] = [];
    for (const at of [Math.floor(turns / 2), turns - 1]) {
      const t0 = performance.now();
      const { entries, blocks } = await loadIndex(dataPath, indexPath);
      const record = await readRecord(dataPath, entries[at] as (typeof entries)[number], blocks);
      opens.push(performance.now() - t0);
      if (record.request.body !== (records[at] as ExchangeRecord).request.body)
        throw new Error(`${name}: turn ${at} differs`);
    }
    console.log(
      `${name.padEnd(14)} ${(bytes / 2 ** 20).toFixed(1).padStart(7)} MB on disk  ` +
        `worker ${((workerMs * 1000) / turns).toFixed(0).padStart(5)} µs + writer ${((writerMs * 1000) / turns).toFixed(0).padStart(4)} µs CPU per exchange  ` +
        `open turn ${turns / 2}: ${opens[0]?.toFixed(1)} ms, turn ${turns}: ${opens[1]?.toFixed(1)} ms`,
    );
    return bytes;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const records = sessionRecords();
const prompt = records.reduce((sum, r) => sum + r.request.body.length, 0) / records.length;
console.log(`${turns} turns, prompts ${(prompt / 1024).toFixed(0)} KB on average`);
// Alternated, three rounds each (ROUNDS): on a shared machine one round says little. The first
// round of `blocks` is a session's own cost (each block hashed once); later rounds find the blocks
// among the recent ones. ONLY=blocks or ONLY=whole measures one arm (a fresh process per arm).
const rounds = Number(process.env.ROUNDS ?? 3);
const only = process.env.ONLY;
const sizes = { whole: 0, blocks: 0 };
for (let round = 0; round < rounds; round++) {
  if (only !== 'blocks')
    sizes.whole = await measure('whole bodies', records, (record) => ({
      summary: summarise(record),
      summaryJson: JSON.stringify(summarise(record)),
      line: recordLine(JSON.stringify(record)),
      resendNonce: null,
    }));
  if (only !== 'whole') sizes.blocks = await measure('blocks', records, (record) => finishExchange(record));
}
if (only === undefined)
  console.log(`blocks take ${((100 * sizes.blocks) / sizes.whole).toFixed(1)} % of the whole-body size`);
