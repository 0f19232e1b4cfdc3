/**
 * The official Google GenAI SDK (`@google/genai`) and raw HTTP talk Gemini's native API through
 * the real proxy to a real local upstream that serves recorded Gemini bodies with real pacing.
 * Each call is made twice, through Tokentap and straight to the upstream, and the SDK must see
 * the same; each capture must be right to the token and (by hand from the genai-prices
 * catalogue) to the cent.
 */
import { type ApiError, GoogleGenAI } from '@google/genai';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fingerprintApiKey } from '../../electron/proxy/tenant-fingerprint.ts';
import type { ExchangeRecord } from '../../shared/exchange/exchange-record.ts';
import { geminiErrorOf } from '../../shared/interpreters/gemini-error.ts';
import type { ScriptedChunk } from '../support/fake-upstream.ts';
import { loadSseFixture, readFixture, readFixtureText, splitChunksEvery } from '../support/fixtures.ts';
import { type Harness, startHarness } from '../support/tokentap-harness.ts';

const GEMINI_KEY = 'AIzaSyTokentapTESTgeminiKEY0123456789-wxyz';
const JSON_UTF8 = 'application/json; charset=UTF-8';
// The SDK calls /v1 (its default API version); Gemini CLI and older SDKs /v1beta.
const MODEL_PATH =
  /^\/v1(?:beta)?\/models\/gemini-[^/:]+:(generateContent|streamGenerateContent|countTokens)$/;

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

/** The same SDK, pointed at Tokentap and straight at the upstream. */
function clients(): { proxied: GoogleGenAI; direct: GoogleGenAI } {
  const make = (baseUrl: string) => new GoogleGenAI({ apiKey: GEMINI_KEY, httpOptions: { baseUrl } });
  return { proxied: make(h.proxyUrl), direct: make(h.upstream.url) };
}

/** What the SDK returned, without the HTTP response it carries (its `date` header differs). */
function sdkValue<T extends object>(value: T): Omit<T, 'sdkHttpResponse'> {
  const { sdkHttpResponse: _, ...rest } = value as T & { sdkHttpResponse?: unknown };
  return rest;
}

async function collect<T extends object>(stream: AsyncGenerator<T>): Promise<Omit<T, 'sdkHttpResponse'>[]> {
  const chunks: Omit<T, 'sdkHttpResponse'>[] = [];
  for await (const chunk of stream) chunks.push(sdkValue(chunk));
  return chunks;
}

/** Runs the call through Tokentap and directly; they must give the same; returns it and the capture. */
async function viaBoth<T>(
  call: (ai: GoogleGenAI) => Promise<T>,
): Promise<{ result: T; record: ExchangeRecord }> {
  const { proxied, direct } = clients();
  const expected = await call(direct);
  const result = await call(proxied);
  expect(result, 'the SDK sees the same through Tokentap as directly').toEqual(expected);
  return { result, record: await h.nextRecord() };
}

/** The raw key never reaches a record, in any field, nor the logs; the tenant is its fingerprint. */
function expectKeyKeptOut(record: ExchangeRecord): void {
  expect(record.tenant).toBe(fingerprintApiKey(GEMINI_KEY));
  expect(record.tenant).toMatch(/^…wxyz·[0-9a-f]{6}$/);
  expect(JSON.stringify(record)).not.toContain(GEMINI_KEY);
  expect(JSON.stringify(record)).not.toContain(GEMINI_KEY.slice(6, 30));
  expect(h.logs.join('\n')).not.toContain(GEMINI_KEY);
}

/** Time to first token is when the first model output arrived: in the chunk that completed event 0. */
function expectFirstTokenAtChunk(record: ExchangeRecord, index: number): void {
  const chunk = record.chunks[index];
  expect(chunk).toBeDefined();
  expect(record.timings.firstTokenMs).toBeCloseTo(chunk?.t ?? Number.NaN, 2);
  expect(record.timings.headersMs as number).toBeLessThanOrEqual(record.timings.firstTokenMs as number);
  expect(record.timings.firstTokenMs as number).toBeLessThan(record.timings.totalMs as number);
}

/** The index of the first recorded chunk by which the wire text contains `marker`. */
function chunkReaching(record: ExchangeRecord, marker: string): number {
  let text = '';
  return record.chunks.findIndex((chunk) => {
    text += chunk.data;
    return text.includes(marker);
  });
}

function sse(name: string, pacingMs: number): { headers: Record<string, string>; chunks: ScriptedChunk[] } {
  return { headers: { 'content-type': 'text/event-stream' }, chunks: loadSseFixture(name, { pacingMs }) };
}

describe('Gemini generateContent through the proxy', () => {
  it('captures a JSON answer: model from the path, text, usage with the tool-use prompt, cost', async () => {
    const body = readFixture('gemini-generate-content-url-context.json');
    h.upstream.respond(
      { method: 'POST', path: MODEL_PATH },
      { headers: { 'content-type': JSON_UTF8 }, body },
    );
    const { result, record } = await viaBoth(async (ai) =>
      sdkValue(
        await ai.models.generateContent({
          model: 'gemini-2.5-flash',
          contents: 'What is Pydantic AI? https://ai.pydantic.dev',
          config: { tools: [{ urlContext: {} }] },
        }),
      ),
    );
    expect(result.candidates?.[0]?.content?.parts?.[0]?.text).toMatch(
      /^Pydantic AI is a Python agent framework/,
    );

    expect(record).toMatchObject({
      method: 'POST',
      path: '/v1/models/gemini-2.5-flash:generateContent',
      api: 'gemini.generate',
      model: 'gemini-2.5-flash',
      stream: false,
      status: 200,
      state: 'complete',
      error: null,
      integrity: [],
      streamError: null,
    });
    expect(record.merged).toEqual({
      text: result.candidates?.[0]?.content?.parts?.[0]?.text,
      refusal: null,
      reasoning: null,
      toolCalls: [],
      finishReason: 'STOP',
    });
    // usageMetadata: prompt 32, toolUsePrompt 2395, candidates 41, thoughts 47, total 2515.
    expect(record.usage).toEqual({
      inputTokens: 2427,
      outputTokens: 88,
      cachedTokens: null,
      reasoningTokens: 47,
      totalTokens: 2515,
    });
    expect(result.usageMetadata?.totalTokenCount).toBe(record.usage?.totalTokens);
    // gemini-2.5-flash: $0.30/M input, $2.50/M output → 2427 × 0.30 + 88 × 2.50 = $948.1/M.
    expect(record.costUsd).toBeCloseTo(0.0009481, 12);
    expect(record.response?.body).toBe(body.toString());
    expect(record.chunks).toEqual([]);
    expect(record.timings.firstTokenMs).toBeNull();
    expect(record.request.headers['x-goog-api-key']).toBe('[redacted]');
    expectKeyKeptOut(record);
  });
});

describe('Gemini streamGenerateContent (SSE) through the SDK', () => {
  it('takes the last usage snapshot of a stream that has one on every chunk, never their sum', async () => {
    const name = 'gemini-stream-generate-content-sse-usage-every-chunk.sse';
    h.upstream.respond({ method: 'POST', path: MODEL_PATH }, sse(name, 15));
    const { result, record } = await viaBoth(async (ai) =>
      collect(await ai.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'Count to 30' })),
    );
    const text = result.map((chunk) => chunk.candidates?.[0]?.content?.parts?.[0]?.text ?? '').join('');
    expect(text).toMatch(/^1\n2\n3\n.*\n30$/s);

    expect(record).toMatchObject({
      path: '/v1/models/gemini-2.5-flash:streamGenerateContent?alt=sse',
      api: 'gemini.generate',
      model: 'gemini-2.5-flash',
      stream: true,
      status: 200,
      state: 'complete',
      integrity: [],
    });
    expect(record.merged?.text).toBe(text);
    expect(record.merged?.finishReason).toBe('STOP');
    // The last chunk: prompt 18, candidates 80, thoughts 35, total 133 (a sum would make the input 54).
    expect(record.usage).toEqual({
      inputTokens: 18,
      outputTokens: 115,
      cachedTokens: null,
      reasoningTokens: 35,
      totalTokens: 133,
    });
    // 18 × $0.30/M + 115 × $2.50/M = $292.9/M.
    expect(record.costUsd).toBeCloseTo(0.0002929, 12);
    expect(record.chunks.map((chunk) => chunk.data).join('')).toBe(readFixtureText(name));
    expectFirstTokenAtChunk(record, 0);
    expect(record.gaps?.medianMs as number).toBeGreaterThan(15 * 0.5);
    expect(record.timings.outputTokensPerSecond).toBeGreaterThan(0);
    expectKeyKeptOut(record);
  });

  it('keeps thought summaries as reasoning, apart from the answer', async () => {
    h.upstream.respond(
      { method: 'POST', path: MODEL_PATH },
      sse('gemini-stream-generate-content-sse-thought-summaries.trimmed.sse', 5),
    );
    const { result, record } = await viaBoth(async (ai) =>
      collect(
        await ai.models.generateContentStream({
          model: 'gemini-2.5-pro',
          contents: 'How do I cross the street?',
          config: { thinkingConfig: { includeThoughts: true } },
        }),
      ),
    );
    const parts = result.flatMap((chunk) => chunk.candidates?.[0]?.content?.parts ?? []);
    const thoughts = parts.filter((part) => part.thought === true).map((part) => part.text ?? '');
    const answer = parts.filter((part) => part.thought !== true).map((part) => part.text ?? '');
    expect(thoughts).toHaveLength(4);

    expect(record).toMatchObject({
      api: 'gemini.generate',
      model: 'gemini-2.5-pro',
      stream: true,
      integrity: [],
    });
    expect(record.merged?.reasoning).toBe(thoughts.join(''));
    expect(record.merged?.text).toBe(answer.join(''));
    // prompt 34, candidates 469, thoughts 787, total 1290.
    expect(record.usage).toEqual({
      inputTokens: 34,
      outputTokens: 1256,
      cachedTokens: null,
      reasoningTokens: 787,
      totalTokens: 1290,
    });
    // gemini-2.5-pro up to 200k prompt tokens: $1.25/M input, $10/M output → 42.5 + 12560 = $12602.5/M.
    expect(record.costUsd).toBeCloseTo(0.0126025, 12);
    // The first chunk is a thought summary: thinking is output the user waits for.
    expectFirstTokenAtChunk(record, 0);
  });

  it('reads function calls, with a thought signature, as tool calls with JSON arguments', async () => {
    h.upstream.respond(
      { method: 'POST', path: MODEL_PATH },
      sse('gemini-stream-generate-content-sse-function-call-thought-signature.sse', 5),
    );
    const tools = [
      { functionDeclarations: [{ name: 'get_country', description: 'The country you are in' }] },
    ];
    const { result, record } = await viaBoth(async (ai) => {
      const chunks: { name?: string; args?: Record<string, unknown> }[] = [];
      for await (const chunk of await ai.models.generateContentStream({
        model: 'gemini-3-pro-preview',
        contents: 'Where am I?',
        config: { tools },
      }))
        chunks.push(...(chunk.functionCalls ?? []));
      return chunks;
    });
    expect(result).toEqual([{ name: 'get_country', args: {} }]);

    expect(record.model).toBe('gemini-3-pro-preview');
    expect(record.merged?.toolCalls).toEqual([{ id: null, name: 'get_country', arguments: '{}' }]);
    expect(record.merged?.text).toBe('');
    expect(record.merged?.finishReason).toBe('STOP');
    // prompt 29, candidates 10, thoughts 202: total 241.
    expect(record.usage).toEqual({
      inputTokens: 29,
      outputTokens: 212,
      cachedTokens: null,
      reasoningTokens: 202,
      totalTokens: 241,
    });
    // gemini-3-pro-preview up to 200k: $2/M input, $12/M output → 58 + 2544 = $2602/M.
    expect(record.costUsd).toBeCloseTo(0.002602, 12);
    expectFirstTokenAtChunk(record, 0);
    expect(record.integrity).toEqual([]);
  });

  it('reads a function call with arguments', async () => {
    h.upstream.respond(
      { method: 'POST', path: MODEL_PATH },
      sse('gemini-stream-generate-content-sse-function-call.sse', 0),
    );
    const { result, record } = await viaBoth(async (ai) => {
      const calls: unknown[] = [];
      for await (const chunk of await ai.models.generateContentStream({
        model: 'gemini-2.0-flash',
        contents: 'Capital of France?',
      }))
        calls.push(...(chunk.functionCalls ?? []));
      return calls;
    });
    expect(result).toEqual([{ name: 'get_capital', args: { country: 'France' } }]);
    expect(record.merged?.toolCalls.map((call) => [call.name, JSON.parse(call.arguments)])).toEqual([
      ['get_capital', { country: 'France' }],
    ]);
    expect(record.usage).toMatchObject({ inputTokens: 52, outputTokens: 5, totalTokens: 57 });
    // gemini-2.0-flash: $0.10/M input, $0.40/M output → 5.2 + 2 = $7.2/M.
    expect(record.costUsd).toBeCloseTo(0.0000072, 12);
  });

  it('flags an in-band error after a 200 and keeps the text that came before it', async () => {
    h.upstream.respond(
      { method: 'POST', path: MODEL_PATH },
      sse('gemini-stream-generate-content-sse-error-500.sse', 5),
    );
    const { result, record } = await viaBoth(async (ai) => {
      const texts: string[] = [];
      try {
        for await (const chunk of await ai.models.generateContentStream({
          model: 'gemini-2.0-flash-exp',
          contents: 'Capital of France?',
        }))
          texts.push(chunk.text ?? '');
      } catch (error) {
        return { texts, status: (error as ApiError).status, name: (error as Error).name };
      }
      return { texts, status: null, name: null };
    });
    expect(result).toEqual({ texts: ['The', ' capital of France'], status: 500, name: 'ApiError' });
    // The SDK does not retry an in-band error: one request each way.
    expect(h.upstream.requests).toHaveLength(2);

    expect(record.status).toBe(200);
    expect(record.state).toBe('error');
    expect(record.integrity).toContain('error-event');
    expect(record.streamError).toEqual({
      type: 'INTERNAL',
      message:
        'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
    });
    expect(record.merged?.text).toBe('The capital of France');
    // The running counts before the error had no candidatesTokenCount though text came: usage unknown.
    expect(record.usage).toBeNull();
    expect(record.costUsd).toBeNull();
    expect(record.integrity).toEqual(['missing-terminator', 'usage-missing', 'error-event']);
  });

  it('captures an HTTP error in Gemini shape as it came, with no in-band flags', async () => {
    const body = readFixture('gemini-error-429-resource-exhausted.json');
    h.upstream.respond(
      { method: 'POST', path: MODEL_PATH },
      { status: 429, headers: { 'content-type': JSON_UTF8 }, body },
    );
    const { result, record } = await viaBoth(async (ai) => {
      try {
        await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'hi' });
        return null;
      } catch (error) {
        return { status: (error as ApiError).status, message: (error as Error).message };
      }
    });
    expect(result?.status).toBe(429);
    expect(result?.message).toContain('RESOURCE_EXHAUSTED');
    expect(h.upstream.requests).toHaveLength(2);

    expect(record).toMatchObject({
      api: 'gemini.generate',
      model: 'gemini-2.5-flash',
      status: 429,
      usage: null,
      costUsd: null,
      streamError: null,
    });
    expect(record.integrity).not.toContain('error-event');
    expect(record.integrity).not.toContain('usage-missing');
    expect(record.response?.body).toBe(body.toString());
    // What the upstream-error extraction reads from it.
    expect(geminiErrorOf(JSON.parse(record.response?.body ?? ''))).toEqual({
      type: 'RESOURCE_EXHAUSTED',
      code: '429',
      message: expect.stringMatching(/^You exceeded your current quota/),
    });
    expectKeyKeptOut(record);
  });
});

describe('Gemini countTokens through the SDK', () => {
  it('captures the model and kind, no usage (nothing was spent) and a cost of zero', async () => {
    const body =
      '{\n  "totalTokens": 31,\n  "promptTokensDetails": [\n    {\n      "modality": "TEXT",\n      "tokenCount": 31\n    }\n  ]\n}\n';
    h.upstream.respond(
      { method: 'POST', path: MODEL_PATH },
      { headers: { 'content-type': JSON_UTF8 }, body },
    );
    const { result, record } = await viaBoth(async (ai) =>
      sdkValue(await ai.models.countTokens({ model: 'gemini-2.5-flash', contents: 'The quick brown fox' })),
    );
    expect(result.totalTokens).toBe(31);
    expect(record).toMatchObject({
      path: '/v1/models/gemini-2.5-flash:countTokens',
      api: 'gemini.count-tokens',
      model: 'gemini-2.5-flash',
      stream: false,
      status: 200,
      state: 'complete',
      usage: null,
      costUsd: 0,
      merged: null,
      integrity: [],
    });
    expectKeyKeptOut(record);
  });
});

describe('Gemini streamGenerateContent as a JSON array (no alt=sse), raw HTTP', () => {
  async function post(origin: string, path: string, headers: Record<string, string> = {}) {
    const res = await request(`${origin}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'Weather in Boston?' }] }] }),
    });
    return { status: res.statusCode, type: res.headers['content-type'], body: await res.body.text() };
  }

  it('decodes the array split anywhere across network chunks: text, tool call, cache hit, cost', async () => {
    const name = 'gemini-stream-generate-content-array-server-mcp-implicit-cache.reframed.json';
    const wire = readFixture(name);
    // 97-byte pieces cut elements, strings and the two-byte '°' alike.
    const chunks = splitChunksEvery([{ data: wire, delayMs: 0 }], 97, { delayMs: 2 });
    h.upstream.respond(
      { method: 'POST', path: MODEL_PATH },
      { headers: { 'content-type': JSON_UTF8 }, chunks },
    );
    const path = `/v1beta/models/gemini-2.5-flash:streamGenerateContent?key=${GEMINI_KEY}`;
    const direct = await post(h.upstream.url, path);
    const proxied = await post(h.proxyUrl, path);
    expect(proxied).toEqual(direct);
    expect(proxied.body).toBe(wire.toString());

    const record = await h.nextRecord();
    expect(record).toMatchObject({
      path: '/v1beta/models/gemini-2.5-flash:streamGenerateContent?key=[redacted]',
      api: 'gemini.generate',
      model: 'gemini-2.5-flash',
      stream: true,
      status: 200,
      state: 'complete',
      integrity: [],
    });
    expect(record.chunks.map((chunk) => chunk.data).join('')).toBe(wire.toString());
    expect(record.chunks.length).toBeGreaterThan(10);
    const elements = JSON.parse(wire.toString()) as {
      candidates: { content: { parts: { text?: string }[] } }[];
    }[];
    expect(record.merged?.text).toBe(
      elements
        .flatMap((element) => element.candidates[0]?.content.parts.map((part) => part.text ?? ''))
        .join(''),
    );
    expect(record.merged?.toolCalls).toEqual([
      {
        id: null,
        name: 'weather_server_get_weather',
        arguments: '{"endDate":"2026-02-02","location":"Boston","startDate":"2026-02-02"}',
      },
    ]);
    // The last element: prompt 1844 (901 of it cached), toolUsePrompt 1934, candidates 432, thoughts 91.
    expect(record.usage).toEqual({
      inputTokens: 3778,
      outputTokens: 523,
      cachedTokens: 901,
      reasoningTokens: 91,
      totalTokens: 4301,
    });
    // (3778 − 901) × $0.30/M + 901 × $0.03/M + 523 × $2.50/M = 863.1 + 27.03 + 1307.5 = $2197.63/M.
    expect(record.costUsd).toBeCloseTo(0.00219763, 12);
    // The first element (the function call) is complete in the chunk that carries its closing brace.
    expectFirstTokenAtChunk(record, chunkReaching(record, '}\n,\r\n'));
    expectKeyKeptOut(record);
  });

  it('flags an in-band error element after a 200', async () => {
    h.upstream.respond(
      { method: 'POST', path: MODEL_PATH },
      {
        headers: { 'content-type': JSON_UTF8 },
        chunks: splitChunksEvery(
          [{ data: readFixture('gemini-stream-generate-content-array-error-500.reframed.json'), delayMs: 0 }],
          64,
          { delayMs: 1 },
        ),
      },
    );
    const res = await post(h.proxyUrl, '/v1beta/models/gemini-2.0-flash-exp:streamGenerateContent', {
      'x-goog-api-key': GEMINI_KEY,
    });
    expect(res.status).toBe(200);
    const record = await h.nextRecord();
    expect(record).toMatchObject({ api: 'gemini.generate', stream: true, status: 200, state: 'error' });
    expect(record.integrity).toContain('error-event');
    expect(record.streamError?.type).toBe('INTERNAL');
    expect(record.merged?.text).toBe('The capital of France');
    expectKeyKeptOut(record);
  });

  it("reads a failed stream's error array as a body, not as an in-band error", async () => {
    const body = `[${readFixtureText('gemini-error-429-resource-exhausted.json').trimEnd()}\n]`;
    h.upstream.respond(
      { method: 'POST', path: MODEL_PATH },
      { status: 429, headers: { 'content-type': JSON_UTF8 }, body },
    );
    const res = await post(h.proxyUrl, '/v1beta/models/gemini-2.5-flash:streamGenerateContent', {
      'x-goog-api-key': GEMINI_KEY,
    });
    expect(res).toMatchObject({ status: 429, body });
    const record = await h.nextRecord();
    expect(record).toMatchObject({ api: 'gemini.generate', stream: true, status: 429, streamError: null });
    expect(record.chunks).toEqual([]);
    expect(record.integrity).not.toContain('error-event');
    expect(geminiErrorOf(JSON.parse(record.response?.body ?? ''))?.type).toBe('RESOURCE_EXHAUSTED');
  });
});

describe('a Gemini stream cut short', () => {
  it('keeps the text that came, with no usage and no terminator', async () => {
    const name = 'gemini-stream-generate-content-sse-usage-every-chunk.sse';
    h.upstream.respond(
      { method: 'POST', path: MODEL_PATH },
      { kind: 'reset-after', afterChunks: 2, ...sse(name, 5) },
    );
    const res = await request(`${h.proxyUrl}/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse`, {
      method: 'POST',
      headers: { 'x-goog-api-key': GEMINI_KEY, 'content-type': 'application/json' },
      body: '{"contents":[{"role":"user","parts":[{"text":"Count to 30"}]}]}',
    });
    await expect(res.body.text()).rejects.toThrow();
    const record = await h.nextRecord();
    expect(record).toMatchObject({
      api: 'gemini.generate',
      model: 'gemini-2.5-flash',
      usage: null,
      costUsd: null,
    });
    expect(record.merged?.text).toMatch(/^1\n2\n.*\n29\n3$/s);
    expect(record.merged?.finishReason).toBeNull();
    expect(record).toMatchObject({ state: 'error', error: { kind: 'upstream-reset' } });
    expectKeyKeptOut(record);
  });
});

describe('Vertex AI paths', () => {
  it('reads the model from a publisher model path, with an OAuth bearer as the tenant', async () => {
    const name = 'gemini-stream-generate-content-sse-usage-every-chunk.sse';
    h.upstream.respond({ method: 'POST', path: /:streamGenerateContent$/ }, sse(name, 2));
    const token = 'ya29.a0TokentapTESTvertexOAuthToken0123456789';
    const res = await request(
      `${h.proxyUrl}/v1/projects/my-proj/locations/us-central1/publishers/google/models/gemini-2.5-flash:streamGenerateContent?alt=sse`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: '{"contents":[{"role":"user","parts":[{"text":"Count to 30"}]}]}',
      },
    );
    expect(await res.body.text()).toBe(readFixtureText(name));
    const record = await h.nextRecord();
    expect(record).toMatchObject({
      api: 'gemini.generate',
      model: 'gemini-2.5-flash',
      stream: true,
      integrity: [],
    });
    expect(record.usage).toMatchObject({ inputTokens: 18, outputTokens: 115, totalTokens: 133 });
    expect(record.costUsd).toBeCloseTo(0.0002929, 12);
    expect(record.tenant).toBe(fingerprintApiKey(token));
    expect(JSON.stringify(record)).not.toContain(token);
  });
});
