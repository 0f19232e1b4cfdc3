/**
 * The official OpenAI SDK (and plain HTTP for Anthropic and Ollama's native API) talks through
 * the real proxy to a real local upstream that streams recorded wire text with real pacing; each
 * test asserts what the SDK got and what Tokentap captured.
 */
import { AzureOpenAI } from 'openai';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExchangeRecord } from '../../shared/exchange/exchange-record.ts';
import { loadNdjsonFixture, loadSseFixture, readFixture } from '../support/fixtures.ts';
import { type Harness, startHarness, TEST_API_KEY } from '../support/tokentap-harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

/** The raw key must never reach a record, in any field, nor the logs. */
function expectNoSecret(record: ExchangeRecord): void {
  expect(JSON.stringify(record)).not.toContain(TEST_API_KEY);
  expect(JSON.stringify(record)).not.toContain(TEST_API_KEY.slice(8, 30));
  expect(h.logs.join('\n')).not.toContain(TEST_API_KEY);
}

/** Timings are ordered and plausible for a paced stream. */
function expectStreamTimings(record: ExchangeRecord, pacingMs: number): void {
  const { headersMs, firstTokenMs, totalMs } = record.timings;
  expect(headersMs).not.toBeNull();
  expect(firstTokenMs).not.toBeNull();
  expect(totalMs).not.toBeNull();
  expect(headersMs as number).toBeLessThanOrEqual(firstTokenMs as number);
  expect(firstTokenMs as number).toBeLessThan(totalMs as number);
  expect(record.gaps?.count).toBe(record.chunks.length - 1);
  // Pacing survives the proxy: the median gap between chunks is about the upstream's pacing.
  expect(record.gaps?.medianMs as number).toBeGreaterThan(pacingMs * 0.5);
  for (let i = 1; i < record.chunks.length; i++) {
    expect((record.chunks[i] as { t: number }).t).toBeGreaterThanOrEqual(
      (record.chunks[i - 1] as { t: number }).t,
    );
  }
}

describe('OpenAI chat completions through the proxy', () => {
  it('streams with include_usage: text, usage, tenant, timings', async () => {
    const chunks = loadSseFixture('openai-chat-stream-usage.sse', { pacingMs: 15 });
    h.upstream.respond('POST /v1/chat/completions', { chunks });

    const stream = await h.openai.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'What is the capital of Mexico?' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('The capital of Mexico is Mexico City.');

    const record = await h.nextRecord();
    expect(record).toMatchObject({
      method: 'POST',
      path: '/v1/chat/completions',
      api: 'openai.chat',
      model: 'gpt-4o-2024-08-06',
      stream: true,
      status: 200,
      state: 'complete',
      error: null,
      integrity: [],
    });
    expect(record.usage).toEqual({
      inputTokens: 14,
      outputTokens: 8,
      cachedTokens: 0,
      reasoningTokens: 0,
      totalTokens: 22,
    });
    expect(record.merged?.text).toBe('The capital of Mexico is Mexico City.');
    expect(record.merged?.finishReason).toBe('stop');
    expect(record.tenant).toMatch(/^sk-…WXYZ·[0-9a-f]{6}$/);
    expect(record.request.headers.authorization).toBe('[redacted]');
    expect(record.costUsd).toBeGreaterThan(0);
    expect(record.chunks.map((c) => c.data).join('')).toBe(
      readFixture('openai-chat-stream-usage.sse').toString(),
    );
    expect(record.chunks).toHaveLength(chunks.length);
    expectStreamTimings(record, 15);
    expect(record.timings.outputTokensPerSecond).toBeGreaterThan(0);
    expectNoSecret(record);
  });

  it('answers non-streaming calls and captures the JSON usage', async () => {
    h.upstream.respond('POST /v1/chat/completions', { body: readFixture('openai-chat-nonstream.json') });
    const completion = await h.openai.chat.completions.create({
      model: 'gpt-4.1-nano',
      messages: [{ role: 'user', content: 'Invent a holiday' }],
    });
    expect(completion.choices[0]?.message.content).toMatch(/^\*\*Holiday Name:\*\* Galaxy Day/);

    const record = await h.nextRecord();
    expect(record).toMatchObject({
      api: 'openai.chat',
      stream: false,
      status: 200,
      state: 'complete',
      integrity: [],
    });
    expect(record.model).toBe(completion.model);
    expect(record.usage?.inputTokens).toBe(completion.usage?.prompt_tokens);
    expect(record.usage?.outputTokens).toBe(completion.usage?.completion_tokens);
    expect(record.merged?.text).toBe(completion.choices[0]?.message.content);
    expect(record.chunks).toEqual([]);
    expect(record.timings.firstTokenMs).toBeNull();
    expect(record.response?.body).toBe(readFixture('openai-chat-nonstream.json').toString());
    expect(JSON.parse(record.request.body)).toMatchObject({ model: 'gpt-4.1-nano' });
    expectNoSecret(record);
  });

  it('reassembles parallel tool calls by index', async () => {
    h.upstream.respond('POST /v1/chat/completions', {
      chunks: loadSseFixture('openai-chat-stream-parallel-tool-calls.sse', { pacingMs: 3 }),
    });
    const runner = h.openai.chat.completions.stream({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Weather in Mexico City, and the product name?' }],
      tools: [
        {
          type: 'function',
          function: { name: 'get_weather', parameters: { type: 'object', properties: {} } },
        },
        {
          type: 'function',
          function: { name: 'get_product_name', parameters: { type: 'object', properties: {} } },
        },
      ],
      stream_options: { include_usage: true },
    });
    const final = await runner.finalChatCompletion();
    const sdkCalls = final.choices[0]?.message.tool_calls ?? [];

    const record = await h.nextRecord();
    expect(record.merged?.finishReason).toBe('tool_calls');
    expect(record.merged?.toolCalls.map((c) => [c.name, c.arguments])).toEqual([
      ['get_weather', '{"city": "Mexico City"}'],
      ['get_product_name', '{}'],
    ]);
    expect(record.merged?.toolCalls.map((c) => c.id)).toEqual(
      sdkCalls.map((c) => (c.type === 'function' ? c.id : null)),
    );
    expect(record.usage).toMatchObject({ inputTokens: 417, outputTokens: 44, totalTokens: 461 });
    expect(record.integrity).toEqual([]);
  });

  it('captures a vLLM stream with usage on every chunk (last one wins)', async () => {
    h.upstream.respond('POST /v1/chat/completions', {
      chunks: loadSseFixture('vllm-chat-stream-continuous-usage.sse', { pacingMs: 2 }),
    });
    const stream = await h.openai.chat.completions.create({
      model: 'meta-llama/Meta-Llama-3.1-70B-Instruct',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    const record = await h.nextRecord();
    expect(record.merged?.text).toBe(text);
    // The last cumulative count (46 + 26), not the sum of the 28 chunks that carried one.
    expect(record.usage).toEqual({
      inputTokens: 46,
      outputTokens: 26,
      cachedTokens: null,
      reasoningTokens: null,
      totalTokens: 72,
    });
    expect(record.integrity).toEqual([]);
  });

  it('captures an Ollama /v1 stream whose calls share index 0', async () => {
    h.upstream.respond('POST /v1/chat/completions', {
      chunks: loadSseFixture('ollama-v1-chat-stream-tool-calls.sse', { pacingMs: 2 }),
    });
    const stream = await h.openai.chat.completions.create({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'weather in Paris and Rome' }],
      stream: true,
    });
    for await (const _ of stream) {
      // drain
    }
    const record = await h.nextRecord();
    expect(record.api).toBe('openai.chat');
    expect(record.merged?.toolCalls.length).toBeGreaterThanOrEqual(2);
    expect(new Set(record.merged?.toolCalls.map((c) => c.id)).size).toBe(record.merged?.toolCalls.length);
  });
});

describe('other APIs through the proxy', () => {
  it('streams the Responses API: text, model and usage from response.completed', async () => {
    h.upstream.respond('POST /v1/responses', {
      chunks: loadSseFixture('openai-responses-stream.sse', { pacingMs: 5 }),
    });
    const stream = await h.openai.responses.create({
      model: 'gpt-4o',
      input: 'Capital of France?',
      stream: true,
    });
    let text = '';
    for await (const event of stream) if (event.type === 'response.output_text.delta') text += event.delta;
    expect(text).toBe('The capital of France is Paris.');

    const record = await h.nextRecord();
    expect(record).toMatchObject({ api: 'openai.responses', stream: true, state: 'complete', integrity: [] });
    expect(record.merged?.text).toBe(text);
    expect(record.model).toMatch(/^gpt-4o/);
    expect(record.usage?.inputTokens).toBeGreaterThan(0);
    expect(record.costUsd).toBeGreaterThan(0);
    expectStreamTimings(record, 5);
  });

  it('streams a Responses function call with its arguments', async () => {
    h.upstream.respond('POST /v1/responses', {
      chunks: loadSseFixture('openai-responses-stream-function-call.sse', { pacingMs: 2 }),
    });
    const stream = await h.openai.responses.create({
      model: 'gpt-4o',
      input: 'Capital of France?',
      stream: true,
    });
    for await (const _ of stream) {
      // drain
    }
    const record = await h.nextRecord();
    expect(record.merged?.toolCalls).toHaveLength(1);
    expect(record.merged?.toolCalls[0]?.name).toBe('get_capital');
    expect(JSON.parse(record.merged?.toolCalls[0]?.arguments ?? '')).toEqual({ country: 'France' });
    expect(record.usage).toMatchObject({ inputTokens: 255, outputTokens: 16, totalTokens: 271 });
  });

  it('flags an in-band error after a 200 (Responses response.failed)', async () => {
    h.upstream.respond('POST /v1/responses', {
      chunks: loadSseFixture('openai-responses-stream-error-insufficient-quota.sse', { pacingMs: 2 }),
    });
    const stream = await h.openai.responses.create({ model: 'gpt-4o', input: 'hi', stream: true });
    await expect(
      (async () => {
        for await (const _ of stream) {
          // drain
        }
      })(),
    ).rejects.toThrow();
    const record = await h.nextRecord();
    expect(record.status).toBe(200);
    expect(record.state).toBe('error');
    expect(record.integrity).toContain('error-event');
    expect(record.streamError?.message).toMatch(/quota/i);
  });

  it('captures embeddings with their usage', async () => {
    h.upstream.respond('POST /v1/embeddings', { body: readFixture('openai-embeddings-base64.compact.json') });
    const result = await h.openai.embeddings.create({
      model: 'text-embedding-3-small',
      input: 'hello world',
    });
    expect(result.data).toHaveLength(1);
    const record = await h.nextRecord();
    expect(record).toMatchObject({
      api: 'openai.embeddings',
      stream: false,
      state: 'complete',
      integrity: [],
    });
    expect(record.model).toBe('text-embedding-3-small');
    expect(record.usage).toMatchObject({ inputTokens: 6, outputTokens: 0, totalTokens: 6 });
  });

  it('captures an Anthropic Messages stream (x-api-key tenant, message_stop)', async () => {
    h.upstream.respond('POST /v1/messages', {
      chunks: loadSseFixture('anthropic-messages-stream.sse', { pacingMs: 5 }),
    });
    const res = await request(`${h.proxyUrl}/v1/messages`, {
      method: 'POST',
      headers: {
        'x-api-key': 'sk-ant-api03-tokentapTESTanthropicKEY-abcd',
        'anthropic-version': '2023-06-01',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ model: 'claude-sonnet-4-6', max_tokens: 100, stream: true, messages: [] }),
    });
    const wire = await res.body.text();
    expect(wire).toBe(readFixture('anthropic-messages-stream.sse').toString());

    const record = await h.nextRecord();
    expect(record).toMatchObject({
      api: 'anthropic.messages',
      model: 'claude-sonnet-4-6',
      stream: true,
      integrity: [],
    });
    expect(record.tenant).toMatch(/^sk-ant-…abcd·[0-9a-f]{6}$/);
    expect(record.request.headers['x-api-key']).toBe('[redacted]');
    expect(record.usage).toMatchObject({ inputTokens: 1007, outputTokens: 59, totalTokens: 1066 });
    expect(record.merged?.finishReason).toBe('end_turn');
    expect(record.merged?.text.length).toBeGreaterThan(0);
    expect(JSON.stringify(record)).not.toContain('tokentapTESTanthropicKEY');
    expectStreamTimings(record, 5);
  });

  it('captures an Anthropic tool_use stream with input_json_delta', async () => {
    h.upstream.respond('POST /v1/messages', {
      chunks: loadSseFixture('anthropic-messages-stream-tool-use.sse', { pacingMs: 1 }),
    });
    const res = await request(`${h.proxyUrl}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': 'sk-ant-test', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude-sonnet-4-6', stream: true }),
    });
    await res.body.text();
    const record = await h.nextRecord();
    expect(record.merged?.finishReason).toBe('tool_use');
    expect(record.merged?.toolCalls.length).toBeGreaterThanOrEqual(1);
    for (const call of record.merged?.toolCalls ?? [])
      expect(() => JSON.parse(call.arguments || '{}')).not.toThrow();
  });

  it("captures Ollama's native NDJSON /api/chat stream", async () => {
    h.upstream.respond('POST /api/chat', {
      headers: { 'content-type': 'application/x-ndjson' },
      chunks: loadNdjsonFixture('ollama-api-chat-stream.ndjson', { pacingMs: 5 }),
    });
    const res = await request(`${h.proxyUrl}/api/chat`, {
      method: 'POST',
      body: JSON.stringify({ model: 'llama3.2:3b', messages: [{ role: 'user', content: 'hi' }] }),
    });
    const wire = await res.body.text();
    expect(wire).toBe(readFixture('ollama-api-chat-stream.ndjson').toString());
    const record = await h.nextRecord();
    expect(record).toMatchObject({ api: 'ollama.chat', model: 'llama3.2:3b', stream: true, tenant: null });
    expect(record.merged?.text).toContain('😀');
    expect(record.merged?.finishReason).toBe('stop');
    expect(record.usage?.outputTokens).toBe(7);
    expect(record.costUsd).toBeNull();
    expect(record.integrity).toEqual([]);
  });

  it('captures Azure OpenAI: deployment path, model from the response, filter chunk is not usage', async () => {
    h.upstream.respond('POST /openai/deployments/router/chat/completions', {
      chunks: loadSseFixture('azure-openai-chat-stream-usage.sse', { pacingMs: 2 }),
    });
    const azure = new AzureOpenAI({
      endpoint: h.proxyUrl,
      apiKey: 'azure-key-0123456789abcdef0123456789',
      apiVersion: '2024-10-21',
      deployment: 'router',
      maxRetries: 0,
    });
    const stream = await azure.chat.completions.create({
      model: 'router',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    for await (const _ of stream) {
      // drain
    }
    const request0 = h.upstream.requests[0];
    expect(request0?.query.get('api-version')).toBe('2024-10-21');
    const record = await h.nextRecord();
    expect(record.api).toBe('azure.chat');
    expect(record.path).toBe('/openai/deployments/router/chat/completions?api-version=2024-10-21');
    expect(record.model).toMatch(/^gpt-5-nano/);
    expect(record.usage?.reasoningTokens).toBe(64);
    expect(record.tenant).toMatch(/…6789·/);
    expect(record.request.headers['api-key']).toBe('[redacted]');
    expect(record.integrity).toEqual([]);
  });
});
