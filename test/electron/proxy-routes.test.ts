/**
 * One Tokentap, several providers: route prefixes to local fake upstreams on port 0, real clients
 * (the OpenAI SDK for chat and Responses, the Anthropic SDK, plain HTTP for Gemini and Ollama).
 * Each upstream receives exactly its own requests, prefix stripped, query kept; each capture
 * records its route as `provider`.
 */
import Anthropic from '@anthropic-ai/sdk';
import { Ollama } from 'ollama';
import OpenAI from 'openai';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExchangeRecord } from '../../shared/exchange/exchange-record.ts';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream.ts';
import { loadNdjsonFixture, loadSseFixture, readFixture } from '../support/fixtures.ts';
import { type Harness, startHarness, TEST_API_KEY } from '../support/tokentap-harness.ts';

const json = (file: string) => ({
  status: 200,
  headers: { 'content-type': 'application/json' },
  body: readFixture(file),
});

const GEMINI_ANSWER = JSON.stringify({
  candidates: [{ content: { role: 'model', parts: [{ text: 'Hi' }] }, finishReason: 'STOP' }],
  usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 1, totalTokenCount: 4 },
  modelVersion: 'gemini-2.5-flash',
});

describe('routes: many providers through one port', () => {
  let h: Harness;
  const up: Record<'openai' | 'anthropic' | 'gemini' | 'ollama' | 'groq', FakeUpstream> = {} as never;

  beforeAll(async () => {
    for (const name of ['openai', 'anthropic', 'gemini', 'ollama', 'groq'] as const)
      up[name] = await startFakeUpstream();
    h = await startHarness({
      routes: [
        { name: 'openai', url: up.openai.url },
        { name: 'anthropic', url: up.anthropic.url },
        { name: 'gemini', url: up.gemini.url },
        { name: 'ollama', url: up.ollama.url },
        { name: 'groq', url: `${up.groq.url}/openai` },
      ],
    });
    up.openai.respond('POST /v1/chat/completions', json('openai-chat-nonstream.json'));
    up.openai.respond('POST /v1/responses', {
      chunks: loadSseFixture('openai-responses-stream.sse', { pacingMs: 1 }),
    });
    up.anthropic.respond('POST /v1/messages', json('anthropic-messages-nonstream.json'));
    up.gemini.respond('*', {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: GEMINI_ANSWER,
    });
    up.ollama.respond('POST /api/chat', json('ollama-api-chat-nonstream.json'));
    up.groq.respond('POST /openai/v1/chat/completions', json('openai-chat-nonstream.json'));
    h.upstream.respond('*', json('openai-chat-nonstream.json'));
  });
  afterAll(async () => {
    await h.close();
    for (const upstream of Object.values(up)) await upstream.close();
  });

  const openai = () =>
    new OpenAI({ apiKey: TEST_API_KEY, baseURL: `${h.proxyUrl}/openai/v1`, maxRetries: 0 });

  /** The record of the next exchange to finish, checked to have gone by `provider`. */
  async function recordVia(provider: string): Promise<ExchangeRecord> {
    const record = await h.nextRecord();
    expect(record.provider).toBe(provider);
    return record;
  }

  it('the OpenAI SDK at /openai/v1: chat and Responses reach the openai route, detected as OpenAI', async () => {
    const before = up.openai.requests.length;
    const chat = await openai().chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(chat.choices[0]?.message.content).toBeTruthy();
    const chatRecord = await recordVia('openai');
    expect(chatRecord).toMatchObject({
      path: '/openai/v1/chat/completions',
      api: 'openai.chat',
      upstream: up.openai.url,
      status: 200,
    });

    const stream = await openai().responses.create({ model: 'gpt-4o-mini', input: 'Hi', stream: true });
    for await (const _ of stream) {
      // drained
    }
    const responsesRecord = await recordVia('openai');
    expect(responsesRecord).toMatchObject({ path: '/openai/v1/responses', api: 'openai.responses' });
    expect(up.openai.requests.slice(before).map((r) => r.url)).toEqual([
      '/v1/chat/completions',
      '/v1/responses',
    ]);
  });

  it('the Anthropic SDK at /anthropic reaches the anthropic route', async () => {
    const before = up.anthropic.requests.length;
    const client = new Anthropic({ apiKey: TEST_API_KEY, baseURL: `${h.proxyUrl}/anthropic`, maxRetries: 0 });
    const message = await client.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'Hello' }],
    });
    expect(message.content.length).toBeGreaterThan(0);
    const record = await recordVia('anthropic');
    expect(record).toMatchObject({ path: '/anthropic/v1/messages', api: 'anthropic.messages' });
    expect(record.usage).not.toBeNull();
    expect(up.anthropic.requests.slice(before).map((r) => r.url)).toEqual(['/v1/messages']);
  });

  it('Gemini and Ollama shapes over plain HTTP: prefix stripped, query kept', async () => {
    const gemini = await request(
      `${h.proxyUrl}/gemini/v1beta/models/gemini-2.5-flash:generateContent?alt=json&x=1`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-goog-api-key': 'AIzaTESTgeminiKEY0123' },
        body: JSON.stringify({ contents: [{ parts: [{ text: 'Hi' }] }] }),
      },
    );
    expect(await gemini.body.text()).toBe(GEMINI_ANSWER);
    const geminiRecord = await recordVia('gemini');
    expect(geminiRecord.path).toBe('/gemini/v1beta/models/gemini-2.5-flash:generateContent?alt=json&x=1');
    expect(up.gemini.requests.at(-1)?.url).toBe(
      '/v1beta/models/gemini-2.5-flash:generateContent?alt=json&x=1',
    );

    const ollama = await request(`${h.proxyUrl}/ollama/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'llama3.2', stream: false, messages: [] }),
    });
    await ollama.body.text();
    expect(ollama.statusCode).toBe(200);
    const ollamaRecord = await recordVia('ollama');
    expect(ollamaRecord).toMatchObject({
      path: '/ollama/api/chat',
      api: 'ollama.chat',
      upstream: up.ollama.url,
    });
    expect(up.ollama.requests.at(-1)?.url).toBe('/api/chat');
  });

  it("a route of one's own, with its own path prefix (groq=…/openai)", async () => {
    const res = await request(`${h.proxyUrl}/groq/v1/chat/completions?trace=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_API_KEY}` },
      body: JSON.stringify({ model: 'llama-3.3-70b', messages: [] }),
    });
    await res.body.text();
    const record = await recordVia('groq');
    expect(record).toMatchObject({ path: '/groq/v1/chat/completions?trace=1', api: 'openai.chat' });
    expect(up.groq.requests.map((r) => r.url)).toEqual(['/openai/v1/chat/completions?trace=1']);
  });

  it('no route prefix: UPSTREAM, exactly as before, even for Anthropic-looking requests (UPSTREAM set)', async () => {
    const before = h.upstream.requests.length;
    const anthropicBefore = up.anthropic.requests.length;
    await (await request(`${h.proxyUrl}/v1/chat/completions`, { method: 'POST', body: '{}' })).body.text();
    expect((await recordVia('upstream')).upstream).toBe(h.upstream.url);
    await (
      await request(`${h.proxyUrl}/v1/messages`, {
        method: 'POST',
        headers: { 'anthropic-version': '2023-06-01' },
        body: '{}',
      })
    ).body.text();
    await recordVia('upstream');
    // Only whole first segments are routes: /anthropicx is not /anthropic.
    await (await request(`${h.proxyUrl}/anthropicx/v1/messages`, { method: 'POST', body: '{}' })).body.text();
    await recordVia('upstream');
    expect(h.upstream.requests.slice(before).map((r) => r.url)).toEqual([
      '/v1/chat/completions',
      '/v1/messages',
      '/anthropicx/v1/messages',
    ]);
    expect(up.anthropic.requests.length).toBe(anthropicBefore);
  });

  it('a bare route and a route with only a query go to the root of its upstream', async () => {
    const before = up.gemini.requests.length;
    await (await request(`${h.proxyUrl}/gemini`)).body.text();
    await recordVia('gemini');
    await (await request(`${h.proxyUrl}/gemini?key=AIzaTESTgeminiKEY0123`)).body.text();
    const record = await recordVia('gemini');
    expect(record.path).toBe('/gemini?key=[redacted]');
    expect(up.gemini.requests.slice(before).map((r) => r.url)).toEqual(['/', '/?key=AIzaTESTgeminiKEY0123']);
  });
});

describe('auto-detection while UPSTREAM is unset', () => {
  let h: Harness;
  let anthropic: FakeUpstream;
  let gemini: FakeUpstream;
  beforeAll(async () => {
    anthropic = await startFakeUpstream();
    gemini = await startFakeUpstream();
    h = await startHarness({
      upstreamUnset: true,
      routes: [
        { name: 'anthropic', url: anthropic.url },
        { name: 'gemini', url: gemini.url },
      ],
    });
    anthropic.respond('*', json('anthropic-messages-nonstream.json'));
    gemini.respond('*', {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: GEMINI_ANSWER,
    });
    h.upstream.respond('*', json('openai-chat-nonstream.json'));
  });
  afterAll(async () => {
    await h.close();
    await anthropic.close();
    await gemini.close();
  });

  it('the Anthropic SDK pointed at the bare proxy reaches Anthropic, recorded as anthropic', async () => {
    const client = new Anthropic({ apiKey: TEST_API_KEY, baseURL: h.proxyUrl, maxRetries: 0 });
    await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 8, messages: [] });
    const record = await h.nextRecord();
    expect(record).toMatchObject({ provider: 'anthropic', path: '/v1/messages', upstream: anthropic.url });
    expect(anthropic.requests.map((r) => r.url)).toEqual(['/v1/messages']);
  });

  it('Gemini by its path or by x-goog-api-key; anything else to UPSTREAM (not sent: it is the real OpenAI)', async () => {
    await (
      await request(`${h.proxyUrl}/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse`, {
        method: 'POST',
        body: '{}',
      })
    ).body.text();
    expect((await h.nextRecord()).provider).toBe('gemini');
    await (
      await request(`${h.proxyUrl}/v1beta/models`, { headers: { 'x-goog-api-key': 'AIzaTESTgeminiKEY0123' } })
    ).body.text();
    expect((await h.nextRecord()).provider).toBe('gemini');
    expect(gemini.requests.map((r) => r.url)).toEqual([
      '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse',
      '/v1beta/models',
    ]);
    expect(h.proxy.routes.resolve('/v1/chat/completions', { authorization: 'Bearer sk-x' })).toMatchObject({
      provider: 'upstream',
      target: { url: 'https://api.openai.com' },
    });
  });
});

describe("Ollama's own client through the /ollama route", () => {
  it('streams a chat through the proxy, and the capture has the provider, model and text', async () => {
    const upstream = await startFakeUpstream();
    upstream.respond('POST /api/chat', {
      headers: { 'content-type': 'application/x-ndjson' },
      chunks: loadNdjsonFixture('ollama-api-chat-stream.ndjson', { pacingMs: 2 }),
    });
    const h = await startHarness({ routes: [{ name: 'ollama', url: upstream.url }] });
    try {
      const client = new Ollama({ host: `${h.proxyUrl}/ollama` });
      const stream = await client.chat({
        model: 'llama3.2',
        messages: [{ role: 'user', content: 'Hi' }],
        stream: true,
      });
      let text = '';
      for await (const part of stream) text += part.message.content;
      expect(text.length).toBeGreaterThan(0);
      expect(upstream.requests.at(-1)?.url).toBe('/api/chat');
      const record = await h.nextRecord();
      expect(record).toMatchObject({
        provider: 'ollama',
        api: 'ollama.chat',
        stream: true,
        path: '/ollama/api/chat',
      });
      expect(record.merged?.text).toBe(text);
    } finally {
      await h.close();
      await upstream.close();
    }
  });
});
