/**
 * Replay end to end: a session is captured through the real proxy from the fake upstream with the
 * official OpenAI SDK, then a second Tokentap replays it to the same SDK: same bytes, recorded
 * order, recorded pace, 404s naming the closest recordings, fall-through, and every fault.
 */
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ExchangeRecord } from '../../../shared/exchange/exchange-record.ts';
import { loadSseFixture, readFixtureText } from '../../support/fixtures.ts';
import { startHarness } from '../../support/tokentap-harness.ts';
import { type ReplayHarness, startReplayHarness } from './replay-support.ts';

const QUESTION = [{ role: 'user' as const, content: 'What is the capital of Mexico?' }];
const STREAM_REQUEST = {
  model: 'gpt-4o',
  messages: QUESTION,
  stream: true as const,
  stream_options: { include_usage: true },
};
const PLAIN_REQUEST = {
  model: 'gpt-4.1-nano',
  messages: [{ role: 'user' as const, content: 'Invent a holiday.' }],
};

/** What the SDK saw on the wire for each captured call, and the session's records. */
let recorded: { first: string; second: string; plain: string; records: ExchangeRecord[] };

beforeAll(async () => {
  const h = await startHarness();
  try {
    // The same request twice, answered differently: the replay must give them back in this order.
    h.upstream.respond(
      'POST /v1/chat/completions',
      { chunks: loadSseFixture('openai-chat-stream-usage.sse', { pacingMs: 20 }) },
      { times: 1 },
    );
    const first = await (await h.openai.chat.completions.create(STREAM_REQUEST).asResponse()).text();
    h.upstream.respond(
      'POST /v1/chat/completions',
      { chunks: loadSseFixture('azure-openai-chat-stream-usage.sse', { pacingMs: 5 }) },
      { times: 1 },
    );
    const second = await (await h.openai.chat.completions.create(STREAM_REQUEST).asResponse()).text();
    h.upstream.respond('POST /v1/chat/completions', {
      body: readFixtureText('openai-chat-nonstream.json'),
      headers: { 'content-type': 'application/json' },
    });
    const plain = await (await h.openai.chat.completions.create(PLAIN_REQUEST).asResponse()).text();
    const records = [await h.nextRecord(), await h.nextRecord(), await h.nextRecord()];
    recorded = { first, second, plain, records };
  } finally {
    await h.close();
  }
});

let r: ReplayHarness | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});
afterAll(() => {});

async function replay(options: Parameters<typeof startReplayHarness>[1] = {}): Promise<ReplayHarness> {
  r = await startReplayHarness(recorded.records, options);
  return r;
}

describe('replaying a captured session to the OpenAI SDK', () => {
  it('gives byte-identical streams and bodies, identical requests in recorded order', async () => {
    const h = await replay();
    expect(await (await h.openai.chat.completions.create(STREAM_REQUEST).asResponse()).text()).toBe(
      recorded.first,
    );
    expect(await (await h.openai.chat.completions.create(STREAM_REQUEST).asResponse()).text()).toBe(
      recorded.second,
    );
    expect(await (await h.openai.chat.completions.create(PLAIN_REQUEST).asResponse()).text()).toBe(
      recorded.plain,
    );
    // After the last recording of a request, its recordings start over.
    expect(await (await h.openai.chat.completions.create(STREAM_REQUEST).asResponse()).text()).toBe(
      recorded.first,
    );
    expect(h.upstream.requests).toHaveLength(0);
  });

  it('matches JSON bodies whatever their key order, whitespace or ignored fields', async () => {
    const h = await replay();
    const body = `{ "stream_options": {"include_usage": true}, "stream": true,\n "messages": ${JSON.stringify(QUESTION)},  "model": "gpt-4o", "user": "someone-else", "metadata": {"run": "7"} }`;
    const response = await fetch(`${h.proxyUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-whatever' },
      body,
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(recorded.first);
  });

  it('the SDK parses the replayed stream, and the replay is captured and flagged', async () => {
    const h = await replay();
    let text = '';
    let usage: unknown = null;
    for await (const chunk of await h.openai.chat.completions.create(STREAM_REQUEST)) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('The capital of Mexico is Mexico City.');
    expect(usage).not.toBeNull();
    const record = await h.nextRecord();
    expect(record.replayOf).toBe(recorded.records[0]?.id);
    expect(record.response?.headers['x-tokentap-replay']).toBe(recorded.records[0]?.id);
    expect(record.usage).toEqual(recorded.records[0]?.usage);
    expect(record.merged?.text).toBe(text);
    expect(record.request.headers.authorization).toBe('[redacted]');
  });

  it('at speed 1 takes no less than the recorded duration', async () => {
    const h = await replay({ speed: 1 });
    const original = recorded.records[0] as ExchangeRecord;
    const started = performance.now();
    const text = await (await h.openai.chat.completions.create(STREAM_REQUEST).asResponse()).text();
    const elapsed = performance.now() - started;
    expect(text).toBe(recorded.first);
    expect(elapsed).toBeGreaterThanOrEqual(original.timings.totalMs as number);
    // Each chunk went out no earlier than its recorded offset.
    const capture = await h.nextRecord();
    expect(capture.chunks.length).toBeGreaterThan(0);
    const lastRecorded = original.chunks.at(-1)?.t as number;
    expect(capture.chunks.at(-1)?.t as number).toBeGreaterThanOrEqual(lastRecorded);
  });

  it('answers a miss with an OpenAI-shaped 404 naming the closest recordings', async () => {
    const h = await replay();
    const error = await h.openai.chat.completions
      .create({ ...PLAIN_REQUEST, messages: [{ role: 'user', content: 'Something else' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    const apiError = error as InstanceType<typeof OpenAI.NotFoundError>;
    expect(apiError.code).toBe('no_recording');
    expect(apiError.type).toBe('replay_miss');
    expect(apiError.message).toContain('no recording matched POST /v1/chat/completions; closest: ');
    // The closest is the recording differing only in its messages.
    expect(apiError.message).toMatch(/closest: #\d+ POST \/v1\/chat\/completions \(differs in: messages\)/);
    const wrongPath = await h.openai.embeddings.create({ model: 'x', input: 'y' }).catch((e: unknown) => e);
    expect((wrongPath as Error).message).toContain('POST /v1/chat/completions (path differs)');
    expect((await h.nextRecord()).replayOf).toBe('miss');
  });

  it('with fall-through forwards misses to the upstream and captures them', async () => {
    const h = await replay({ fallthrough: true });
    h.upstream.respond('POST /v1/chat/completions', {
      body: readFixtureText('openai-chat-nonstream.json'),
      headers: { 'content-type': 'application/json' },
    });
    const answer = await h.openai.chat.completions.create({
      ...PLAIN_REQUEST,
      messages: [{ role: 'user', content: 'Live please' }],
    });
    expect(answer.choices[0]?.message.content).toBeTruthy();
    expect(h.upstream.requests).toHaveLength(1);
    expect(h.upstream.requests[0]?.json()).toMatchObject({ messages: [{ content: 'Live please' }] });
    const record = await h.nextRecord();
    expect(record.replayOf).toBeUndefined();
    expect(record.status).toBe(200);
    expect(record.request.body).toContain('Live please');
    // Hits are still answered from the recording.
    expect(await (await h.openai.chat.completions.create(PLAIN_REQUEST).asResponse()).text()).toBe(
      recorded.plain,
    );
    expect(h.upstream.requests).toHaveLength(1);
  });
});

describe('fault injection', () => {
  it('drop-usage: the stream ends without a usage chunk', async () => {
    const h = await replay({ faults: [{ kind: 'drop-usage' }] });
    const chunks = [];
    for await (const chunk of await h.openai.chat.completions.create(STREAM_REQUEST)) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.every((c) => !c.usage)).toBe(true);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');
    const record = await h.nextRecord();
    expect(record.usage).toBeNull();
    expect(record.integrity).toContain('usage-missing');
  });

  it('rate-limit: 429 with retry-after, and the recording stays next in line', async () => {
    const h = await replay({ faults: [{ kind: 'rate-limit', retryAfterSeconds: 7 }] });
    const error = await h.openai.chat.completions.create(STREAM_REQUEST).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const limited = error as InstanceType<typeof OpenAI.RateLimitError>;
    expect(limited.status).toBe(429);
    expect(limited.headers?.get('retry-after')).toBe('7');
    expect(limited.code).toBe('rate_limit_exceeded');
  });

  it('error-mid-stream: the SDK throws partway through the stream', async () => {
    const h = await replay({ faults: [{ kind: 'error-mid-stream' }] });
    let text = '';
    const failure = await (async () => {
      for await (const chunk of await h.openai.chat.completions.create(STREAM_REQUEST))
        text += chunk.choices[0]?.delta.content ?? '';
    })().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect((failure as Error).message).toContain('Tokentap replay fault');
    expect(text.length).toBeGreaterThan(0);
    expect(text).not.toBe('The capital of Mexico is Mexico City.');
  });

  it('cut-after=N: N events arrive, then the connection is cut and the SDK throws', async () => {
    const h = await replay({ faults: [{ kind: 'cut-after', events: 3 }] });
    const chunks: unknown[] = [];
    const failure = await (async () => {
      for await (const chunk of await h.openai.chat.completions.create(STREAM_REQUEST)) chunks.push(chunk);
    })().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(Error);
    expect(chunks.length).toBeLessThanOrEqual(3);
    const record = await h.nextRecord();
    expect(record.error?.message).toContain('cut-after=3');
  });

  it('delay-first-byte: the response starts no sooner than the delay', async () => {
    const h = await replay({ faults: [{ kind: 'delay-first-byte', ms: 250 }] });
    const started = performance.now();
    const response = await h.openai.chat.completions.create(PLAIN_REQUEST).asResponse();
    expect(performance.now() - started).toBeGreaterThanOrEqual(250);
    expect(await response.text()).toBe(recorded.plain);
  });
});
