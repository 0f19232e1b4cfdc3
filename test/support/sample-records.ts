/**
 * Realistic exchange records for the export/import tests, made the way live capture makes them:
 * capture events replayed through the real assembler and analyzers.
 */

import { DEFAULT_LIMITS, defaultAnalyzers } from '../../electron/capture/capture-pipeline.ts';
import { type CaptureLimits, ExchangeAssembler } from '../../electron/capture/exchange-assembler.ts';
import type { CaptureEvent, HeaderMap, RequestStartEvent } from '../../shared/exchange/capture-events.ts';
import type { ExchangeRecord } from '../../shared/exchange/exchange-record.ts';
import { readFixtureText, splitSseEvents } from './fixtures.ts';

type Step = DistributiveOmit<Exclude<CaptureEvent, RequestStartEvent>, 'exchangeId'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

interface Exchange {
  id: string;
  seq: number;
  startedAt: string;
  method: string;
  path: string;
  headers: HeaderMap;
  tenant?: string | null;
  organization?: string | null;
  steps: Step[];
  limits?: CaptureLimits;
}

const encoder = new TextEncoder();
const bytes = (text: string): Uint8Array => encoder.encode(text);

/** Replays one exchange's events through the real capture analyzers and returns its record. */
export function recordOf(exchange: Exchange): ExchangeRecord {
  const limits = exchange.limits ?? DEFAULT_LIMITS;
  const start: RequestStartEvent = {
    type: 'request-start',
    exchangeId: exchange.id,
    t: 0,
    startedAt: Date.parse(exchange.startedAt),
    method: exchange.method,
    path: exchange.path,
    headers: exchange.headers,
    tenant: exchange.tenant ?? null,
    organization: exchange.organization ?? null,
    project: null,
  };
  let record: ExchangeRecord | null = null;
  const hooks = {
    onRecord: (done: ExchangeRecord) => {
      record = done;
    },
    onChange: () => {},
    onAnalyzerError: (name: string, _id: string, error: unknown) => {
      throw new Error(`analyzer ${name} failed: ${String(error)}`);
    },
  };
  const analyzers = defaultAnalyzers(limits).map((make) => make());
  const assembler = new ExchangeAssembler(start, exchange.seq, analyzers, limits, hooks);
  for (const step of exchange.steps) assembler.handle({ ...step, exchangeId: exchange.id } as CaptureEvent);
  const done = record as ExchangeRecord | null;
  if (done === null) throw new Error(`exchange ${exchange.id} did not finish`);
  return done;
}

const clientHeaders = (body: string): HeaderMap => ({
  host: '127.0.0.1:3000',
  'user-agent': 'OpenAI/Python 2.8.0',
  accept: 'application/json',
  'content-type': 'application/json',
  'content-length': String(bytes(body).byteLength),
  authorization: '[redacted]',
  'openai-organization': 'org-sample',
  'x-stainless-retry-count': '0',
});

const TENANT = 'sk-proj-…wxyz·3f9a1c';

/** Events of a request with a JSON body, sent at once. */
function requestSteps(body: string): Step[] {
  return [
    { type: 'request-body-part', t: 0.412, data: bytes(body) },
    { type: 'request-end', t: 0.503 },
  ];
}

/** Events of a streamed response: head, then each piece at its own time. */
function streamSteps(
  status: number,
  headers: HeaderMap,
  pieces: string[],
  headT: number,
  gapMs: number,
): Step[] {
  const steps: Step[] = [{ type: 'response-head', t: headT, status, headers }];
  pieces.forEach((data, i) => {
    steps.push({ type: 'response-body-part', t: headT + 0.731 + i * gapMs, data: bytes(data) });
  });
  return steps;
}

const sseHeaders: HeaderMap = {
  'content-type': 'text/event-stream; charset=utf-8',
  'transfer-encoding': 'chunked',
  'openai-processing-ms': '231',
  'x-request-id': 'req_sample_stream',
  'set-cookie': ['[redacted]', '[redacted]'],
};

/** The streamed sample as exchange `id` (`seq`), in flight or just ended: what live updates carry. */
export function sampleExchange(
  id: string,
  seq: number,
  state: 'pending' | 'streaming' | 'complete' = 'streaming',
): ExchangeRecord {
  return { ...streamRecord(), id, seq, state, error: null };
}

/** A streamed chat completion with usage, chunk times and repeated (redacted) set-cookie headers. */
export function streamRecord(): ExchangeRecord {
  const body = JSON.stringify({
    model: 'gpt-4o',
    messages: [{ role: 'user', content: 'What is the capital of Mexico?' }],
    stream: true,
    stream_options: { include_usage: true },
  });
  const pieces = splitSseEvents(readFixtureText('openai-chat-stream-usage.sse'));
  return recordOf({
    id: '0b9f4b8e-6d3c-4b47-9a51-2d0c1f6e8a01',
    seq: 1,
    startedAt: '2026-02-11T10:15:30.123Z',
    method: 'POST',
    path: '/v1/chat/completions',
    headers: clientHeaders(body),
    tenant: TENANT,
    organization: 'org-sample',
    steps: [
      ...requestSteps(body),
      ...streamSteps(200, sseHeaders, pieces, 231.877, 23.456),
      { type: 'response-end', t: 540.112 },
    ],
  });
}

/** A non-streamed JSON chat completion whose one set-cookie header is still an array. */
export function jsonRecord(): ExchangeRecord {
  const body = JSON.stringify({
    model: 'gpt-4.1-nano',
    messages: [{ role: 'user', content: 'Invent a holiday.' }],
  });
  const answer = readFixtureText('openai-chat-nonstream.json');
  return recordOf({
    id: '0b9f4b8e-6d3c-4b47-9a51-2d0c1f6e8a02',
    seq: 2,
    startedAt: '2026-02-11T10:15:34.500Z',
    method: 'POST',
    path: '/v1/chat/completions',
    headers: clientHeaders(body),
    tenant: TENANT,
    organization: 'org-sample',
    steps: [
      ...requestSteps(body),
      {
        type: 'response-head',
        t: 5221.402,
        status: 200,
        headers: {
          'content-type': 'application/json',
          'set-cookie': ['[redacted]'],
          'x-request-id': 'req_json',
        },
      },
      { type: 'response-body-part', t: 5223.9, data: bytes(answer.slice(0, 700)) },
      { type: 'response-body-part', t: 5229.25, data: bytes(answer.slice(700)) },
      { type: 'response-end', t: 5230.7 },
    ],
  });
}

/** An upstream that could not be reached: no response, status null. */
export function unreachableRecord(): ExchangeRecord {
  const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] });
  return recordOf({
    id: '0b9f4b8e-6d3c-4b47-9a51-2d0c1f6e8a03',
    seq: 3,
    startedAt: '2026-02-11T10:15:40.000Z',
    method: 'POST',
    path: '/v1/chat/completions',
    headers: clientHeaders(body),
    tenant: TENANT,
    steps: [
      ...requestSteps(body),
      {
        type: 'exchange-error',
        t: 3.25,
        kind: 'upstream-unreachable',
        message: 'connect ECONNREFUSED 127.0.0.1:9',
      },
    ],
  });
}

/** An Anthropic stream the client walked away from halfway: no usage, client-aborted. */
export function abortedStreamRecord(): ExchangeRecord {
  const body = JSON.stringify({
    model: 'claude-sonnet-4-6',
    max_tokens: 1024,
    stream: true,
    messages: [{ role: 'user', content: 'What is the USD to EUR exchange rate?' }],
  });
  const pieces = splitSseEvents(readFixtureText('anthropic-messages-stream.sse')).slice(0, 5);
  return recordOf({
    id: '0b9f4b8e-6d3c-4b47-9a51-2d0c1f6e8a04',
    seq: 4,
    startedAt: '2026-02-11T10:16:00.000Z',
    method: 'POST',
    path: '/v1/messages',
    headers: {
      host: 'localhost:3000',
      'content-type': 'application/json',
      'x-api-key': '[redacted]',
      'anthropic-version': '2023-06-01',
    },
    tenant: 'sk-ant-…qrst·51c126',
    steps: [
      ...requestSteps(body),
      ...streamSteps(200, { 'content-type': 'text/event-stream; charset=utf-8' }, pieces, 688.3, 101.7),
      {
        type: 'exchange-error',
        t: 1250.5,
        kind: 'client-aborted',
        message: 'the client closed the connection',
      },
    ],
  });
}

/** Request and response bodies cut by tiny capture caps; an odd path with a space and a `%`. */
export function truncatedRecord(): ExchangeRecord {
  const body = JSON.stringify({ model: 'text-embedding-3-small', input: ['first text', 'second text'] });
  const answer = readFixtureText('openai-embeddings-float.truncated.json');
  return recordOf({
    id: '0b9f4b8e-6d3c-4b47-9a51-2d0c1f6e8a05',
    seq: 5,
    startedAt: '2026-02-11T10:16:10.000Z',
    method: 'POST',
    path: '/v1/embeddings?tag=a b&pct=100%',
    headers: { ...clientHeaders(body), host: 'evil host' },
    tenant: TENANT,
    limits: { requestBodyBytes: 40, responseBodyBytes: 120 },
    steps: [
      ...requestSteps(body),
      { type: 'response-head', t: 80.5, status: 200, headers: { 'content-type': 'application/json' } },
      { type: 'response-body-part', t: 81.25, data: bytes(answer) },
      { type: 'response-end', t: 82 },
    ],
  });
}

/** A GET with no body and no Host header, answered 404, with emoji split across network chunks. */
export function plainGetRecord(): ExchangeRecord {
  const answer = bytes('{"error":{"message":"no such model 😀","type":"invalid_request_error"}}');
  return recordOf({
    id: '0b9f4b8e-6d3c-4b47-9a51-2d0c1f6e8a06',
    seq: 6,
    startedAt: '2026-02-11T10:16:20.000Z',
    method: 'GET',
    path: '/v1/models/gpt-9',
    headers: { accept: '*/*' },
    steps: [
      { type: 'request-end', t: 0.2 },
      {
        type: 'response-head',
        t: 40,
        status: 404,
        headers: { 'content-type': 'application/json', vary: ['Origin', 'Accept'] },
      },
      { type: 'response-body-part', t: 41, data: answer.subarray(0, 45) },
      { type: 'response-body-part', t: 42.5, data: answer.subarray(45) },
      { type: 'response-end', t: 43 },
    ],
  });
}

/** A Realtime WebSocket: text both ways, one binary message, closed normally by the client. */
export function websocketRecord(): ExchangeRecord {
  return recordOf({
    id: '0b9f4b8e-6d3c-4b47-9a51-2d0c1f6e8a07',
    seq: 7,
    startedAt: '2026-02-11T10:17:00.000Z',
    method: 'GET',
    path: '/v1/realtime?model=gpt-realtime',
    headers: { upgrade: 'websocket', 'sec-websocket-protocol': 'realtime' },
    steps: [
      { type: 'request-end', t: 0.1 },
      { type: 'response-head', t: 80.25, status: 101, headers: { upgrade: 'websocket' } },
      {
        type: 'websocket-message',
        t: 81.5,
        from: 'server',
        binary: false,
        data: bytes('{"type":"session.created","session":{"model":"gpt-realtime"}}'),
      },
      {
        type: 'websocket-message',
        t: 90.125,
        from: 'client',
        binary: false,
        data: bytes('{"type":"response.create"}'),
      },
      {
        type: 'websocket-message',
        t: 95,
        from: 'server',
        binary: true,
        data: new Uint8Array([0, 1, 2, 255]),
      },
      { type: 'websocket-close', t: 120.5, code: 1000, reason: 'bye 😀', by: 'client' },
      { type: 'response-end', t: 120.5 },
    ],
  });
}

/** One of each kind of exchange, in session order. */
export function sampleRecords(): ExchangeRecord[] {
  return [
    streamRecord(),
    jsonRecord(),
    unreachableRecord(),
    abortedStreamRecord(),
    truncatedRecord(),
    plainGetRecord(),
  ];
}
