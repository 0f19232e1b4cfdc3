/** Every way an exchange can go wrong, each driven for real and checked from both ends. */
import { createServer } from 'node:net';
import { APIError } from 'openai';
import { request } from 'undici';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startProxy } from '../../electron/proxy/proxy-server.ts';
import { parseUpstream } from '../../electron/proxy/upstream-target.ts';
import { proxyConfigFromEnv } from '../../electron/proxy-config.ts';
import { loadSseFixture, readFixture } from '../support/fixtures.ts';
import {
  type Harness,
  type HarnessOptions,
  startHarness,
  TEST_API_KEY,
} from '../support/tokentap-harness.ts';

let h: Harness | undefined;
async function start(options?: HarnessOptions): Promise<Harness> {
  h = await startHarness(options);
  return h;
}
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const chat = { model: 'gpt-4o', messages: [{ role: 'user' as const, content: 'hi' }] };

describe('client and upstream failures', () => {
  it('aborts the upstream request at once when the client disconnects mid-stream', async () => {
    const { upstream, openai, nextRecord } = await start();
    upstream.respond('POST /v1/chat/completions', {
      chunks: loadSseFixture('openai-chat-stream-usage.sse', { pacingMs: 200 }),
    });
    const controller = new AbortController();
    const stream = await openai.chat.completions.create(
      { ...chat, stream: true },
      { signal: controller.signal },
    );
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    await iterator.next();
    const abortedAt = performance.now();
    controller.abort();

    const seen = upstream.requests[0];
    const upstreamSawAbortAt = await seen?.aborted;
    expect((upstreamSawAbortAt as number) - abortedAt).toBeLessThan(1000);
    const record = await nextRecord();
    // Aborted once: in the state, not also as an error kind or an integrity flag.
    expect(record).toMatchObject({
      state: 'aborted',
      error: { message: expect.stringContaining('client closed') },
    });
    expect(record.error).not.toHaveProperty('kind');
    expect(record.integrity).toEqual(['missing-terminator', 'usage-missing']);
    expect(record.usage).toBeNull();
    expect(record.merged?.text.length).toBeGreaterThan(0);
  });

  it('answers 502 with an OpenAI-shaped error when the upstream is unreachable', async () => {
    // A port that was free a moment ago: nothing listens there.
    const port = await freePort();
    const { proxyUrl, records } = await start({
      upstreamUrl: `http://127.0.0.1:${port}`,
      headersTimeoutMs: 5_000,
    });
    const res = await request(`${proxyUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_API_KEY}` },
      body: JSON.stringify(chat),
    });
    expect(res.statusCode).toBe(502);
    expect(res.headers['content-type']).toBe('application/json');
    const body = (await res.body.json()) as { error: { message: string; type: string; code: string } };
    expect(body.error.code).toBe('upstream_unreachable');
    expect(body.error.message).toContain(`127.0.0.1:${port}`);
    expect(body.error.message).toContain('ECONNREFUSED');
    await until('the failed exchange recorded', () => records.length === 1);
    expect(records[0]).toMatchObject({
      state: 'error',
      error: { kind: 'upstream-unreachable' },
      integrity: [],
      request: { body: JSON.stringify(chat) },
      model: 'gpt-4o',
    });
    expect(JSON.stringify(records[0])).not.toContain(TEST_API_KEY);
  });

  it('the SDK sees the 502 as an APIError', async () => {
    const port = await freePort();
    const { proxyUrl } = await start({ upstreamUrl: `http://127.0.0.1:${port}`, headersTimeoutMs: 5_000 });
    const h2 = await import('openai');
    const client = new h2.default({ apiKey: 'sk-x', baseURL: `${proxyUrl}/v1`, maxRetries: 0 });
    const error = await client.chat.completions.create(chat).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBe(502);
    expect((error as APIError).message).toContain('could not reach the upstream');
  });

  it('answers 504 when the upstream sends no headers within the timeout', async () => {
    const { upstream, openai, nextRecord } = await start({ headersTimeoutMs: 300 });
    upstream.respond('POST /v1/chat/completions', { kind: 'hang' });
    const error = (await openai.chat.completions.create(chat).catch((e: unknown) => e)) as APIError;
    expect(error).toBeInstanceOf(APIError);
    expect(error.status).toBe(504);
    expect(error.message).toContain('sent no response headers in time');
    const record = await nextRecord();
    expect(record).toMatchObject({ state: 'error', status: null, error: { kind: 'upstream-timeout' } });
    expect(record.integrity).toEqual([]);
  });

  it('cuts the client connection when the upstream resets mid-stream, so the SDK sees an error', async () => {
    const { upstream, openai, nextRecord } = await start();
    upstream.respond('POST /v1/chat/completions', {
      kind: 'reset-after',
      chunks: loadSseFixture('openai-chat-stream-usage.sse', { pacingMs: 5 }),
      afterChunks: 3,
    });
    const stream = await openai.chat.completions.create({ ...chat, stream: true });
    let received = 0;
    const outcome = await (async () => {
      for await (const _ of stream) received++;
    })().then(
      () => 'completed',
      (e: unknown) => e,
    );
    expect(outcome).not.toBe('completed');
    expect(received).toBeLessThanOrEqual(3);
    const record = await nextRecord();
    expect(record.state).toBe('error');
    expect(record.status).toBe(200);
    expect(record).toMatchObject({ state: 'error', error: { kind: 'upstream-reset' } });
    expect(record.integrity).toEqual(expect.arrayContaining(['missing-terminator', 'usage-missing']));
    expect(record.usage).toBeNull();
  });

  it.each([
    [
      429,
      'openai-error-429-insufficient-quota.json',
      { 'retry-after': '20', 'x-ratelimit-remaining-requests': '0' },
    ],
    [401, 'openai-error-401-invalid-api-key.json', { 'www-authenticate': 'Bearer' }],
    [500, 'openai-error-404-model-not-found.compact.json', { 'x-request-id': 'req_abc' }],
  ])('passes a %i through untouched, headers included', async (status, fixture, headers) => {
    const { upstream, proxyUrl, nextRecord } = await start();
    const body = readFixture(fixture);
    upstream.respond('POST /v1/chat/completions', {
      status,
      body,
      headers: { 'content-type': 'application/json', ...headers },
    });
    const res = await request(`${proxyUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_API_KEY}` },
      body: JSON.stringify(chat),
    });
    expect(res.statusCode).toBe(status);
    for (const [name, value] of Object.entries(headers)) expect(res.headers[name]).toBe(value);
    expect(Buffer.from(await res.body.arrayBuffer()).equals(body)).toBe(true);
    const record = await nextRecord();
    // Untouched for the client, and an error in the record: the upstream refused the call.
    expect(record).toMatchObject({ status, state: 'error', usage: null });
    expect(record.error).toMatchObject({ kind: 'upstream-http-error', status });
    expect(record.response?.body).toBe(body.toString());
    expect(record.integrity).toEqual([]);
  });
});

/** Streams a recorded chat answer through the proxy and checks that the SDK got all of it. */
async function streamsTheAnswer({ upstream, openai }: Harness): Promise<void> {
  upstream.respond('POST /v1/chat/completions', { chunks: loadSseFixture('openai-chat-stream-usage.sse') });
  const stream = await openai.chat.completions.create({ ...chat, stream: true });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
  expect(text).toBe('The capital of Mexico is Mexico City.');
}

describe('the analysis side never hurts forwarding', () => {
  it('isolates a throwing analyzer: traffic flows, the other analyzers still run, the failure is logged', async () => {
    const harness = await start({
      analyzersModule: new URL('../support/analyzers/exploding.ts', import.meta.url),
    });
    await streamsTheAnswer(harness);
    const { nextRecord, logs } = harness;
    const record = await nextRecord();
    expect(record.usage?.totalTokens).toBe(22);
    expect(logs.join('\n')).toContain('analyzer exploding.onResponseData failed');
  });

  it('drops analysis detail, never traffic, when the stalled analysis side fills the queue', async () => {
    const harness = await start({ queueBytes: 2048 });
    const { service, nextRecord } = harness;
    service.analysis.queue.pause();
    await streamsTheAnswer(harness);
    expect(service.analysis.queue.droppedParts).toBeGreaterThan(0);
    service.analysis.queue.resume();
    const record = await nextRecord();
    expect(record.integrity).toContain('analysis-dropped');
    expect(record.state).toBe('complete');
  });

  it('keeps forwarding when the analysis worker dies, and a new worker captures what follows', async () => {
    const harness = await start({
      analyzersModule: new URL('../support/analyzers/worker-killing.ts', import.meta.url),
    });
    const { upstream, proxyUrl, nextRecord, logs } = harness;
    upstream.respond('POST /v1/kill-the-analysis-worker', { status: 200, body: '{"ok":true}' });
    const killed = await request(`${proxyUrl}/v1/kill-the-analysis-worker`, { method: 'POST', body: '{}' });
    expect(killed.statusCode).toBe(200);
    expect(await killed.body.text()).toBe('{"ok":true}');
    // What was handed to the dying worker goes with it; the next exchange goes to the new one.
    await until('the worker exit logged', () =>
      logs.some((line) => line.includes('the analysis worker exited (code 70)')),
    );
    await streamsTheAnswer(harness);
    const record = await nextRecord();
    expect(record.path).toBe('/v1/chat/completions');
    expect(record.usage?.totalTokens).toBe(22);
  });
});

describe('configuration and start-up errors', () => {
  it('names the address when the port is in use', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      await expect(
        startProxy({
          listen: { host: '127.0.0.1', port },
          upstream: parseUpstream('http://127.0.0.1:1'),
          headersTimeoutMs: 1000,
          sink: { push() {} },
        }),
      ).rejects.toThrow(`Cannot listen on 127.0.0.1:${port}: the port is already in use`);
    } finally {
      blocker.close();
    }
  });

  it('names the address when it does not belong to this machine', async () => {
    await expect(
      startProxy({
        listen: { host: '192.0.2.1', port: 0 },
        upstream: parseUpstream('http://127.0.0.1:1'),
        headersTimeoutMs: 1000,
        sink: { push() {} },
      }),
    ).rejects.toThrow('Cannot listen on 192.0.2.1:0: that address does not belong to this machine');
  });

  it('reads LISTEN_ADDR, UPSTREAM (with a path prefix) and the headers timeout, with defaults', () => {
    expect(proxyConfigFromEnv({})).toMatchObject({
      listen: { host: '127.0.0.1', port: 3000 },
      upstream: { origin: 'https://api.openai.com', pathPrefix: '' },
      headersTimeoutMs: 600_000,
    });
    expect(
      proxyConfigFromEnv({
        LISTEN_ADDR: '[::1]:8080',
        UPSTREAM: 'http://host:8080/openai/',
        TOKENTAP_HEADERS_TIMEOUT_MS: '5000',
      }),
    ).toMatchObject({
      listen: { host: '::1', port: 8080 },
      upstream: { origin: 'http://host:8080', pathPrefix: '/openai' },
      headersTimeoutMs: 5000,
    });
    expect(() => proxyConfigFromEnv({ LISTEN_ADDR: 'localhost' })).toThrow(
      /^LISTEN_ADDR: Invalid listen address "localhost"/,
    );
    expect(() => proxyConfigFromEnv({ LISTEN_ADDR: '127.0.0.1:99999' })).toThrow(/LISTEN_ADDR/);
    expect(() => proxyConfigFromEnv({ UPSTREAM: 'ftp://x' })).toThrow(/^UPSTREAM: .*only http and https/);
    expect(() => proxyConfigFromEnv({ UPSTREAM: 'not a url' })).toThrow(/^UPSTREAM: Invalid upstream/);
    expect(() => proxyConfigFromEnv({ TOKENTAP_HEADERS_TIMEOUT_MS: 'soon' })).toThrow(
      /TOKENTAP_HEADERS_TIMEOUT_MS/,
    );
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Resolves once `condition` holds; fails after 10 s saying what it waited for. */
function until(what: string, condition: () => boolean): Promise<void> {
  return vi.waitFor(() => expect(condition(), what).toBe(true), { timeout: 10_000, interval: 5 });
}
