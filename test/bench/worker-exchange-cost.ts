/**
 * CPU per exchange of what the analysis worker does for one exchange (the capture pipeline, its
 * secret scrubbing and the record's JSON line), on the bench's own traffic: an agent turn (the
 * ~300 KB request, the ~20 KB stream), the turns of a conversation growing to that size, and a
 * small chat completion, each carrying the bench's API key as the proxy hands it over.
 * `node test/bench/worker-exchange-cost.ts [agent turns] [agent|growing|small]`; with
 * `--cpu-prof` it shows where the time goes.
 */
import { CapturePipeline } from '../../electron/capture/capture-pipeline.ts';
import type { QueuedEvent } from '../../electron/capture/capture-queue.ts';
import { finishExchange, lineBytes as lineBytesOf } from '../../electron/capture/finished-exchange.ts';
import { fingerprintApiKey } from '../../electron/proxy/tenant-fingerprint.ts';
import type { FoundSecret, HeaderMap } from '../../shared/exchange/capture-events.ts';
import { redactHeaders } from '../../shared/security/redact-headers.ts';
import { requestStart } from '../support/exchange-events.ts';
import { smallChatCompletion, syntheticChatStream } from '../support/synthetic-llm.ts';
import { AGENT_BODY, CHAT_BODY } from './client.ts';

const KEY = 'sk-bench-0000000000000000000000000000000000000000';
/** Socket reads deliver a large request in pieces of about this size. */
const READ_BYTES = 64 * 1024;

function exchangeEvents(
  id: string,
  requestBody: Buffer,
  response: { headers: HeaderMap; parts: Buffer[] },
): QueuedEvent[] {
  const secrets: FoundSecret[] = [];
  const headers = redactHeaders(
    {
      host: '127.0.0.1:3000',
      'content-type': 'application/json',
      authorization: `Bearer ${KEY}`,
      'user-agent': 'tokentap-bench',
      'content-length': String(requestBody.length),
    },
    secrets,
  );
  const events: QueuedEvent[] = [
    requestStart(id, {
      headers,
      tenant: fingerprintApiKey(KEY),
      secrets,
      provider: 'upstream',
      upstream: 'http://127.0.0.1:9',
    }),
  ];
  for (let at = 0; at < requestBody.length; at += READ_BYTES)
    events.push({
      type: 'request-body-part',
      exchangeId: id,
      t: 0.01,
      data: requestBody.subarray(at, at + READ_BYTES),
    });
  events.push({ type: 'request-end', exchangeId: id, t: 0.2 });
  events.push({ type: 'response-head', exchangeId: id, t: 1, status: 200, headers: response.headers });
  response.parts.forEach((data, i) => {
    events.push({ type: 'response-body-part', exchangeId: id, t: 1 + i * 0.01, data });
  });
  events.push({ type: 'response-end', exchangeId: id, t: 2 });
  return events;
}

const agentResponse: { headers: HeaderMap; parts: Buffer[] } = {
  headers: { 'content-type': 'text/event-stream; charset=utf-8' },
  parts: syntheticChatStream({ chunkCount: 40, intervalMs: 0, token: ' agent'.repeat(50) }).map((c) =>
    Buffer.from(c.data),
  ),
};
const smallResponse = { headers: { 'content-type': 'application/json' }, parts: [smallChatCompletion] };

let lineBytes = 0;
const pipeline = new CapturePipeline({
  onRecord: (record, requestBlocks) => {
    lineBytes += lineBytesOf(finishExchange(record, null, { requestBlocks }).line);
  },
});

/** CPU µs per exchange over `count` exchanges (after a warm-up of a tenth). */
function measure(
  name: string,
  count: number,
  body: Buffer | ((turn: number) => Buffer),
  response: { headers: HeaderMap; parts: Buffer[] },
): void {
  const run = (n: number, tag: string): void => {
    for (let i = 0; i < n; i++)
      for (const e of exchangeEvents(`${tag}-${i}`, typeof body === 'function' ? body(i) : body, response))
        pipeline.consume(e);
  };
  run(Math.ceil(count / 10), `${name}-warm`);
  lineBytes = 0;
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  run(count, name);
  const used = process.cpuUsage(cpu);
  const wall = performance.now() - t0;
  console.log(
    `${name}: ${(((used.user + used.system) / count) | 0).toString().padStart(6)} µs CPU per exchange ` +
      `(${((wall * 1000) / count).toFixed(0)} µs wall), line ${(lineBytes / count / 1024).toFixed(0)} KB`,
  );
}

const turns = Number(process.argv[2] ?? 1000);
/** `agent` or `small` measures that one alone. */
const only = process.argv[3];
/** Turns of one growing conversation: each re-sends the previous turn's messages and adds two. */
const GROWING_TURNS = 60;
/**
 * An agent conversation as it grows: turn k of conversation c re-sends its 2k - 2 messages and adds
 * two (about 4.7 KB each), so a turn's new content stays the same while its history grows to the
 * agent body's size. Made before measuring, every conversation its own texts.
 */
function growingBodies(count: number): Buffer[] {
  return Array.from({ length: count }, (_, t) => {
    const c = Math.floor(t / GROWING_TURNS);
    const k = (t % GROWING_TURNS) + 1;
    return Buffer.from(
      JSON.stringify({
        model: 'gpt-4o-mini',
        stream: true,
        stream_options: { include_usage: true },
        messages: [
          { role: 'system', content: `Conversation ${c}. ${'You are a coding agent. '.repeat(400)}` },
          ...Array.from({ length: 2 * k - 1 }, (_, i) => ({
            role: i % 2 === 0 ? 'user' : 'assistant',
            content: `Conversation ${c} turn ${i}: ${'the file contents and tool output the agent keeps re-sending. '.repeat(75)}`,
          })),
        ],
      }),
    );
  });
}

if (only === undefined || only === 'agent') measure('agent', turns, AGENT_BODY, agentResponse);
if (only === undefined || only === 'growing') {
  // The warm-up's turns first, then the measured ones: each conversation is new to the worker.
  const bodies = growingBodies(Math.ceil(turns / 10) + turns);
  let next = 0;
  measure('growing', turns, () => bodies[next++] as Buffer, agentResponse);
}
if (only === undefined || only === 'small') measure('small', turns * 10, CHAT_BODY, smallResponse);
