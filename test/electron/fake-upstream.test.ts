import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { gunzipSync } from 'node:zlib';
import { Agent, request } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeUpstream, type ScriptedChunk, startFakeUpstream } from '../support/fake-upstream.ts';
import {
  concatChunks,
  listFixtures,
  loadNdjsonFixture,
  loadSseFixture,
  readFixture,
  splitChunksAt,
  splitChunksEvery,
  splitSseEvents,
} from '../support/fixtures.ts';
import { createGate } from '../support/gate.ts';
import { fastJsonScript, smallChatCompletion, syntheticStreamScript } from '../support/synthetic-llm.ts';

// Our own pool, so the sockets these tests open are ours to close and cannot leak into other files.
let agent: Agent;
let upstream: FakeUpstream;

beforeAll(() => {
  agent = new Agent({ keepAliveTimeout: 10_000 });
});
afterAll(async () => {
  await agent.close();
});
beforeEach(async () => {
  upstream = await startFakeUpstream();
});
afterEach(async () => {
  await upstream.close();
});

function get(path: string, opts: { signal?: AbortSignal; method?: 'GET' | 'POST'; body?: string } = {}) {
  return request(`${upstream.url}${path}`, {
    dispatcher: agent,
    method: opts.method ?? 'GET',
    ...(opts.body === undefined ? {} : { body: opts.body }),
    ...(opts.signal === undefined ? {} : { signal: opts.signal }),
  });
}

/** Reads a body to the end, noting when each network read arrived. */
async function readTimed(body: AsyncIterable<Buffer>): Promise<{ bytes: Buffer; times: number[] }> {
  const pieces: Buffer[] = [];
  const times: number[] = [];
  for await (const piece of body) {
    pieces.push(piece);
    times.push(performance.now());
  }
  return { bytes: Buffer.concat(pieces), times };
}

describe('fixtures', () => {
  const sseFixtures = listFixtures('.sse');

  it('finds the recorded streams', () => {
    expect(sseFixtures.length).toBeGreaterThanOrEqual(10);
  });

  it.each(sseFixtures)('splits %s into events that concatenate back byte for byte', (name) => {
    const raw = readFixture(name);
    const chunks = loadSseFixture(name);
    expect(concatChunks(chunks).equals(raw)).toBe(true);
    // Every event ends in its blank line, and one event never holds two (whatever the line endings).
    const normalise = (text: string): string => text.replace(/\r\n|\r/g, '\n');
    for (const chunk of chunks) {
      const event = normalise(chunk.data);
      expect(event).toMatch(/\n\n$/);
      expect(event.slice(0, -2)).not.toContain('\n\n');
    }
    expect(chunks.length).toBe(normalise(raw.toString('utf8')).split('\n\n').length - 1);
  });

  it.each(listFixtures('.ndjson'))('splits %s into lines that concatenate back byte for byte', (name) => {
    const chunks = loadNdjsonFixture(name);
    expect(concatChunks(chunks).equals(readFixture(name))).toBe(true);
    for (const chunk of chunks) expect(() => JSON.parse(chunk.data)).not.toThrow();
  });

  it('paces events: nothing before the first, then the gap, or a function of the index', () => {
    const name = 'openai-chat-stream-usage.sse';
    expect(
      loadSseFixture(name)
        .map((c) => c.delayMs)
        .slice(0, 3),
    ).toEqual([0, 5, 5]);
    expect(
      loadSseFixture(name, { pacingMs: 20 })
        .map((c) => c.delayMs)
        .slice(0, 3),
    ).toEqual([0, 20, 20]);
    expect(
      loadSseFixture(name, { pacingMs: (i) => i * 2 })
        .map((c) => c.delayMs)
        .slice(0, 3),
    ).toEqual([0, 2, 4]);
  });

  it('splits every SSE line ending kind and keeps a trailing partial event', () => {
    const wire = 'data: a\r\n\r\ndata: b\r\rdata: c\n\n: comment\ndata: d\r\ndata: e\n\ndata: partial';
    expect(splitSseEvents(wire)).toEqual([
      'data: a\r\n\r\n',
      'data: b\r\r',
      'data: c\n\n',
      ': comment\ndata: d\r\ndata: e\n\n',
      'data: partial',
    ]);
  });

  it('re-cuts chunks at arbitrary byte offsets, even inside a UTF-8 character', () => {
    const chunks: ScriptedChunk[] = [
      { data: 'data: "é"\n\n', delayMs: 7 },
      { data: 'data: [DONE]\n\n', delayMs: 9 },
    ];
    const whole = concatChunks(chunks);
    const cut = splitChunksAt(chunks, [1, 8, 11, 12, 100], { delayMs: 1 });
    expect(concatChunks(cut).equals(whole)).toBe(true);
    expect(cut.map((c) => Buffer.byteLength(c.data))).toEqual([1, 7, 3, 1, 14]);
    expect(cut.map((c) => c.delayMs)).toEqual([7, 1, 1, 1, 9]);
    const everyThree = splitChunksEvery(chunks, 3);
    expect(concatChunks(everyThree).equals(whole)).toBe(true);
    expect(everyThree.every((c) => Buffer.byteLength(c.data) <= 3)).toBe(true);
  });
});

describe('fake upstream', () => {
  it('answers unmatched requests with a 404 JSON error', async () => {
    const res = await get('/nowhere?x=1');
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toBe('application/json');
    const body = (await res.body.json()) as { error: { message: string; code: string } };
    expect(body.error.code).toBe('not_found');
    expect(body.error.message).toContain('GET /nowhere');
  });

  it('records method, url, query, headers and body of what arrived', async () => {
    upstream.respond('POST /openai/deployments/gpt4o/chat/completions', fastJsonScript());
    const payload = JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hé' }] });
    const res = await request(
      `${upstream.url}/openai/deployments/gpt4o/chat/completions?api-version=2024-10-21`,
      {
        dispatcher: agent,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'api-key': 'k-test' },
        body: payload,
      },
    );
    expect(res.statusCode).toBe(200);
    expect((await res.body.arrayBuffer()).byteLength).toBe(smallChatCompletion.length);

    const [seen] = upstream.requests;
    expect(seen).toBeDefined();
    if (!seen) return;
    expect(seen.method).toBe('POST');
    expect(seen.url).toBe('/openai/deployments/gpt4o/chat/completions?api-version=2024-10-21');
    expect(seen.path).toBe('/openai/deployments/gpt4o/chat/completions');
    expect(seen.query.get('api-version')).toBe('2024-10-21');
    expect(seen.headers['api-key']).toBe('k-test');
    expect(seen.body.toString('utf8')).toBe(payload);
    expect(seen.bodyBytes).toBe(Buffer.byteLength(payload));
    expect(seen.json()).toEqual(JSON.parse(payload));
    expect(seen.status).toBe(200);
    expect(await seen.outcome).toMatchObject({ kind: 'finished' });
  });

  it('matches on method, path without query, query values, and prefers the newest route', async () => {
    upstream.respond('/v1/models', { body: 'any' });
    upstream.respond({ method: 'GET', path: '/v1/models', query: { limit: '1' } }, { body: 'limited' });
    const once = upstream.respond('GET /v1/models', { body: 'once' }, { times: 1 });
    expect(await (await get('/v1/models?limit=1')).body.text()).toBe('once');
    expect(await (await get('/v1/models?limit=1')).body.text()).toBe('limited');
    expect(await (await get('/v1/models?limit=2')).body.text()).toBe('any');
    expect(once.requests).toHaveLength(1);
    upstream.respond({ path: /^\/v1\/files\/[^/]+$/ }, (req) => ({ body: `file ${req.path.slice(10)}` }));
    expect(await (await get('/v1/files/abc')).body.text()).toBe('file abc');
  });

  it('paces a stream for real: flushed headers first, then each chunk after its delay', async () => {
    const chunks = ['data: 1\n\n', 'data: 2\n\n', 'data: 3\n\n'].map((data) => ({ data, delayMs: 50 }));
    upstream.respond('GET /stream', { chunks });
    const start = performance.now();
    const res = await get('/stream');
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const { bytes, times } = await readTimed(res.body);
    expect(bytes.toString()).toBe('data: 1\n\ndata: 2\n\ndata: 3\n\n');
    // Loose on purpose: this checks that pacing happens, not how precise timers are.
    expect((times.at(-1) ?? 0) - start).toBeGreaterThanOrEqual(100);
    expect(times.length).toBe(3);
  });

  it('flushes stream headers before any chunk exists', async () => {
    // A stall with nothing to send: the client can only get the headers if they were flushed on their own.
    upstream.respond('GET /empty', { kind: 'stall', chunks: [], afterChunks: 0 });
    const res = await get('/empty');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
  });

  it.each(listFixtures('.sse'))('serves %s byte for byte', async (name) => {
    upstream.respond('POST /v1/replay', { chunks: loadSseFixture(name, { pacingMs: 0 }) });
    const res = await get('/v1/replay', { method: 'POST', body: '{}' });
    const { bytes } = await readTimed(res.body);
    expect(bytes.equals(readFixture(name))).toBe(true);
  });

  it('withholds gated chunks until the test releases them', async () => {
    const gate = createGate();
    upstream.respond('GET /gated', { kind: 'gated', chunks: ['data: one\n\n', 'data: two\n\n'], gate });
    const res = await get('/gated');
    expect(res.statusCode).toBe(200);
    const reader = res.body[Symbol.asyncIterator]();

    gate.release();
    const first = await reader.next();
    expect(Buffer.from(first.value as Buffer).toString()).toBe('data: one\n\n');
    expect(gate.written).toBe(1);
    // Nothing more may arrive while chunk 2 is withheld.
    const second = reader.next();
    const raced = await Promise.race([second, sleep(100, 'still waiting' as const)]);
    expect(raced).toBe('still waiting');

    gate.release();
    expect(Buffer.from((await second).value as Buffer).toString()).toBe('data: two\n\n');
    await gate.whenWritten(2);
    expect((await reader.next()).done).toBe(true);
  });

  it('resets the connection mid-stream: the client gets the first chunks, then an error', async () => {
    const chunks = loadSseFixture('openai-chat-stream-usage.sse', { pacingMs: 1 });
    upstream.respond('POST /v1/chat/completions', { kind: 'reset-after', chunks, afterChunks: 3 });
    const res = await get('/v1/chat/completions', { method: 'POST', body: '{}' });
    const received: Buffer[] = [];
    const failure = await (async () => {
      for await (const piece of res.body) received.push(piece as Buffer);
    })().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(Error);
    expect(Buffer.concat(received).equals(concatChunks(chunks.slice(0, 3)))).toBe(true);
    const [seen] = upstream.requests;
    expect(await seen?.outcome).toMatchObject({ kind: 'reset' });
  });

  it('hangs without headers until the client aborts, and records the abort time', async () => {
    upstream.respond('POST /v1/chat/completions', { kind: 'hang' });
    const controller = new AbortController();
    const pending = get('/v1/chat/completions', { method: 'POST', body: '{}', signal: controller.signal });
    const seen = await upstream.nextRequest();
    await seen.bodyComplete;
    const raced = await Promise.race([pending.then(() => 'answered'), sleep(150, 'held' as const)]);
    expect(raced).toBe('held');
    expect(seen.status).toBeUndefined();

    const abortAt = performance.now();
    controller.abort();
    await expect(pending).rejects.toThrow();
    const abortedAt = await seen.aborted;
    expect(abortedAt - abortAt).toBeLessThan(1000);
    expect(seen.abortedAt).toBe(abortedAt);
    expect(await seen.outcome).toEqual({ kind: 'client-aborted', at: abortedAt });
  });

  it('records a client abort in the middle of a stream and stops writing', async () => {
    upstream.respond('GET /slow', {
      kind: 'stall',
      chunks: [{ data: 'data: 1\n\n', delayMs: 0 }],
      afterChunks: 1,
    });
    const controller = new AbortController();
    const res = await get('/slow', { signal: controller.signal });
    const reader = res.body[Symbol.asyncIterator]();
    expect(Buffer.from((await reader.next()).value as Buffer).toString()).toBe('data: 1\n\n');
    const abortAt = performance.now();
    controller.abort();
    const seen = await upstream.nextRequest();
    expect((await seen.aborted) - abortAt).toBeLessThan(1000);
    expect(seen.sent).toHaveLength(1);
  });

  it('close() ends a hanging request and the client sees the connection drop', async () => {
    upstream.respond('GET /hang', { kind: 'hang' });
    const pending = get('/hang').then(
      () => 'answered',
      () => 'failed',
    );
    const seen = await upstream.nextRequest();
    await upstream.close();
    expect(await pending).toBe('failed');
    expect(await seen.outcome).toMatchObject({ kind: 'server-closed' });
  });

  it('gzips each chunk with a sync flush: raw bytes pass as sent and decompress to the original', async () => {
    const name = 'anthropic-messages-stream.sse';
    const chunks = loadSseFixture(name, { pacingMs: 2 });
    upstream.respond('POST /v1/messages', { chunks, gzip: true });

    // undici's request does not decompress, so this is the wire payload.
    const res = await get('/v1/messages', { method: 'POST', body: '{}' });
    expect(res.headers['content-encoding']).toBe('gzip');
    const { bytes } = await readTimed(res.body);
    const [seen] = upstream.requests;
    expect(seen && bytes.equals(seen.sentBody)).toBe(true);
    expect(gunzipSync(bytes).equals(readFixture(name))).toBe(true);
    // Every chunk was flushed on its own, so the stream is decodable while it is still arriving.
    expect(seen?.sent.length).toBeGreaterThanOrEqual(chunks.length);

    // fetch decompresses, as an SDK would.
    const viaFetch = await fetch(`${upstream.url}/v1/messages`, { method: 'POST', body: '{}' });
    expect(await viaFetch.text()).toBe(readFixture(name).toString('utf8'));
  });

  it('gzips a plain body with its compressed content-length', async () => {
    const body = readFixture('openai-chat-nonstream.json');
    upstream.respond('POST /v1/chat/completions', { body, gzip: true });
    const res = await get('/v1/chat/completions', { method: 'POST', body: '{}' });
    const raw = Buffer.from(await res.body.arrayBuffer());
    expect(res.headers['content-length']).toBe(String(raw.length));
    expect(gunzipSync(raw).equals(body)).toBe(true);
  });

  it('serves the benchmark shapes: fast JSON over one kept-alive connection, synthetic streams', async () => {
    const bench = await startFakeUpstream({ record: false });
    try {
      bench.respond('POST /v1/chat/completions', fastJsonScript());
      bench.respond('POST /v1/stream', syntheticStreamScript({ chunkCount: 20, intervalMs: 0 }));
      const pool = new Agent({ connections: 1 });
      try {
        for (let i = 0; i < 50; i++) {
          const res = await request(`${bench.url}/v1/chat/completions`, {
            dispatcher: pool,
            method: 'POST',
            body: '{"model":"gpt-4o-mini"}',
          });
          expect(Buffer.from(await res.body.arrayBuffer()).equals(smallChatCompletion)).toBe(true);
        }
        const res = await request(`${bench.url}/v1/stream`, { dispatcher: pool, method: 'POST', body: '{}' });
        const text = await res.body.text();
        expect(text.match(/^data: /gm)).toHaveLength(24);
        expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
      } finally {
        await pool.close();
      }
      expect(bench.requestCount).toBe(51);
      expect(bench.requests).toHaveLength(0);
    } finally {
      await bench.close();
    }
  });

  it('keeps connections alive between requests', async () => {
    upstream.respond('*', fastJsonScript());
    const pool = new Agent({ connections: 1 });
    try {
      for (let i = 0; i < 3; i++) {
        await (await request(`${upstream.url}/v1/x`, { dispatcher: pool })).body.dump();
      }
    } finally {
      await pool.close();
    }
    expect(new Set(upstream.requests.map((r) => r.connectionId)).size).toBe(1);
  });

  it('lets a test watch a request body arrive piece by piece', async () => {
    upstream.respond('POST /upload', { body: 'ok' });
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    async function* slowBody() {
      yield Buffer.from('{"first":');
      await held;
      yield Buffer.from('true}');
    }
    const pending = request(`${upstream.url}/upload`, {
      dispatcher: agent,
      method: 'POST',
      body: Readable.from(slowBody()),
    });
    const seen = await upstream.nextRequest();
    await seen.bodyProgress(9);
    expect(seen.bodyEnded).toBe(false);
    release();
    expect((await seen.bodyComplete).toString()).toBe('{"first":true}');
    expect(await (await pending).body.text()).toBe('ok');
  });
});
