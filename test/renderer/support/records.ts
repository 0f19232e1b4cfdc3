import { DEFAULT_LIMITS, defaultAnalyzers } from '../../../electron/capture/capture-pipeline.ts';
import { ExchangeAssembler } from '../../../electron/capture/exchange-assembler.ts';
import type { CaptureEvent, ExchangeErrorKind, HeaderMap } from '../../../shared/exchange/capture-events.ts';
import type { ExchangeRecord, ExchangeSummary } from '../../../shared/exchange/exchange-record.ts';
import { summarise } from '../../../shared/exchange/exchange-summary.ts';
import { readFixtureText, splitSseEvents } from '../../support/fixtures.ts';

export interface RecordSpec {
  id: string;
  seq: number;
  /** The recorded response body (a file in test/fixtures/streams). */
  fixture: string;
  path?: string;
  method?: string;
  /** The request body as JSON. */
  body: unknown;
  tenant?: string | null;
  startedAt?: number;
  status?: number;
  contentType?: string;
  headersMs?: number;
  /** Gap between response chunks; a function gets the chunk index. */
  pacingMs?: number | ((index: number) => number);
  /** Deliver only the first n chunks, then fail this way (an interrupted stream). */
  cutAfter?: { chunks: number; kind: ExchangeErrorKind; message: string };
}

const encoder = new TextEncoder();

function chunksOf(spec: RecordSpec): string[] {
  const text = readFixtureText(spec.fixture);
  if (spec.fixture.endsWith('.ndjson')) return text.split(/(?<=\n)/).filter((line) => line.length > 0);
  if (spec.fixture.endsWith('.sse')) return splitSseEvents(text);
  return [text];
}

/**
 * The capture events a real exchange with this recorded body produces, with chunk times as they
 * would have arrived (headers after `headersMs`, then one chunk per SSE event at the pacing).
 */
export function captureEventsFor(spec: RecordSpec): CaptureEvent[] {
  const exchangeId = spec.id;
  const startedAt = spec.startedAt ?? Date.UTC(2026, 10, 26, 19, 30, 0) + spec.seq * 1500;
  const headers: HeaderMap = { 'content-type': 'application/json', authorization: '[redacted]' };
  const events: CaptureEvent[] = [
    {
      type: 'request-start',
      exchangeId,
      t: 0,
      startedAt,
      method: spec.method ?? 'POST',
      path: spec.path ?? '/v1/chat/completions',
      headers,
      tenant: spec.tenant === undefined ? 'sk-…wxyz·3f9a1c' : spec.tenant,
      organization: null,
      project: null,
    },
    { type: 'request-body-part', exchangeId, t: 0.4, data: encoder.encode(JSON.stringify(spec.body)) },
    { type: 'request-end', exchangeId, t: 0.5 },
  ];
  const headersMs = spec.headersMs ?? 180;
  const contentType =
    spec.contentType ??
    (spec.fixture.endsWith('.sse')
      ? 'text/event-stream; charset=utf-8'
      : spec.fixture.endsWith('.ndjson')
        ? 'application/x-ndjson'
        : 'application/json');
  events.push({
    type: 'response-head',
    exchangeId,
    t: headersMs,
    status: spec.status ?? 200,
    headers: { 'content-type': contentType, 'x-request-id': `req_${spec.id}` },
  });
  const pacing = spec.pacingMs ?? 23.7;
  const gap = typeof pacing === 'function' ? pacing : () => pacing;
  let t = headersMs + 1.3;
  const chunks = chunksOf(spec);
  const limit = spec.cutAfter ? spec.cutAfter.chunks : chunks.length;
  chunks.slice(0, limit).forEach((data, i) => {
    if (i > 0) t += gap(i);
    events.push({
      type: 'response-body-part',
      exchangeId,
      t: Math.round(t * 1000) / 1000,
      data: encoder.encode(data),
    });
  });
  if (spec.cutAfter) {
    events.push({
      type: 'exchange-error',
      exchangeId,
      t: t + 5,
      kind: spec.cutAfter.kind,
      message: spec.cutAfter.message,
    });
  } else {
    events.push({ type: 'response-end', exchangeId, t: t + 0.8 });
  }
  return events;
}

/** Runs the events through the real capture analyzers. */
export function buildRecord(spec: RecordSpec): ExchangeRecord {
  return buildExchange(spec).record;
}

/** The final record plus the summary after every capture event (what a live list sees while it streams). */
export function buildExchange(spec: RecordSpec): { record: ExchangeRecord; snapshots: ExchangeSummary[] } {
  const snapshots: ExchangeSummary[] = [];
  const events = captureEventsFor(spec);
  const [start, ...rest] = events;
  if (start?.type !== 'request-start') throw new Error('no request-start');
  let record: ExchangeRecord | null = null;
  const assembler = new ExchangeAssembler(
    start,
    spec.seq,
    defaultAnalyzers(DEFAULT_LIMITS).map((make) => make()),
    DEFAULT_LIMITS,
    {
      onRecord: (r) => {
        record = r;
      },
      onChange: (r) => {
        snapshots.push(structuredClone(summaryOf(r)));
      },
      onAnalyzerError: (name, id, error) => {
        throw new Error(`analyzer ${name} failed on ${id}: ${String(error)}`);
      },
    },
  );
  for (const event of rest) assembler.handle(event);
  if (record === null) throw new Error(`exchange ${spec.id} did not complete synchronously`);
  return { record, snapshots };
}

/** The summary part of a record, as the list API serves it. */
export function summaryOf(record: ExchangeRecord): ExchangeSummary {
  return summarise(record);
}

const chatBody = (question: string, extra: Record<string, unknown> = {}) => ({
  model: 'gpt-4o',
  stream: true,
  stream_options: { include_usage: true },
  messages: [
    { role: 'system', content: 'You are a terse geography assistant.' },
    { role: 'user', content: question },
  ],
  ...extra,
});

const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
  },
};

/** A realistic session: chat with usage, tool calls, Responses, Anthropic, Ollama, an interrupted stream, a 401. */
export function sampleRecords(): ExchangeRecord[] {
  return [
    buildRecord({
      id: 'ex-chat',
      seq: 1,
      fixture: 'openai-chat-stream-usage.sse',
      body: chatBody('What is the capital of Mexico?'),
    }),
    buildRecord({
      id: 'ex-tools',
      seq: 2,
      fixture: 'openai-chat-stream-parallel-tool-calls.sse',
      body: chatBody('Weather in Paris and Tokyo?', { tools: [weatherTool] }),
      tenant: 'sk-…abcd·77e0b2',
    }),
    buildRecord({
      id: 'ex-responses',
      seq: 3,
      fixture: 'openai-responses-stream.sse',
      path: '/v1/responses',
      body: { model: 'gpt-4.1', stream: true, instructions: 'Be brief.', input: 'Tell me a fun fact.' },
    }),
    buildRecord({
      id: 'ex-anthropic',
      seq: 4,
      fixture: 'anthropic-messages-stream.sse',
      path: '/v1/messages',
      body: {
        model: 'claude-sonnet-4-20250514',
        max_tokens: 256,
        stream: true,
        system: 'You are helpful.',
        messages: [{ role: 'user', content: 'Hello, Claude' }],
      },
      tenant: 'sk-…abcd·77e0b2',
    }),
    buildRecord({
      id: 'ex-ollama',
      seq: 5,
      fixture: 'ollama-api-chat-stream.ndjson',
      path: '/api/chat',
      body: { model: 'llama3.2', messages: [{ role: 'user', content: 'Why is the sky blue?' }] },
      tenant: null,
    }),
    buildRecord({
      id: 'ex-cut',
      seq: 6,
      fixture: 'openai-chat-stream-usage.sse',
      body: chatBody('What is the capital of Mexico? (again)'),
      cutAfter: { chunks: 5, kind: 'client-aborted', message: 'client closed the connection' },
      pacingMs: (i) => (i === 3 ? 900 : 20),
    }),
    buildRecord({
      id: 'ex-401',
      seq: 7,
      fixture: 'openai-error-401-invalid-api-key.json',
      body: chatBody('Hi', { stream: false }),
      status: 401,
      tenant: 'sk-…bad0·000000',
    }),
  ];
}
