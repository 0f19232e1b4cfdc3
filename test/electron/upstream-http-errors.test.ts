/**
 * Upstream HTTP errors are failures in the exchange's lifecycle: the official OpenAI SDK (and plain
 * HTTP for the Anthropic and Gemini shapes) gets the provider's error through the real proxy, and
 * the record says `error` with the provider's type, code and message.
 */
import { APIError } from 'openai';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compileQuery } from '../../renderer/filter/query-match.ts';
import { summarise } from '../../shared/exchange/exchange-summary.ts';
import { validateExchangeRecord } from '../../shared/exchange/validate-exchange-record.ts';
import { readFixture } from '../support/fixtures.ts';
import { type Harness, startHarness, TEST_API_KEY } from '../support/tokentap-harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const json = { 'content-type': 'application/json' };

describe('OpenAI errors through the proxy, seen by the official SDK', () => {
  it.each([
    [
      400,
      'openai-error-400-context-length.json',
      'invalid_request_error',
      'context_length_exceeded',
      /^This model's maximum context length/,
    ],
    [
      404,
      'openai-error-404-model-not-found.compact.json',
      'invalid_request_error',
      'model_not_found',
      /^The model `does-not-exist` does not exist/,
    ],
    [
      429,
      'openai-error-429-insufficient-quota.json',
      'insufficient_quota',
      'insufficient_quota',
      /^You exceeded your current quota/,
    ],
  ])(
    'a %i is an error with the type, code and message of its body',
    async (status, fixture, type, code, message) => {
      h.upstream.respond('POST /v1/chat/completions', { status, body: readFixture(fixture), headers: json });
      const thrown = await h.openai.chat.completions
        .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], stream: true })
        .then(
          () => null,
          (e: unknown) => e,
        );
      // The client sees the provider's error untouched.
      expect(thrown).toBeInstanceOf(APIError);
      expect((thrown as APIError).status).toBe(status);
      expect((thrown as APIError).code).toBe(code);

      const record = await h.nextRecord();
      expect(record).toMatchObject({ status, state: 'error', stream: true, usage: null });
      expect(record.error).toEqual({
        kind: 'upstream-http-error',
        status,
        type,
        code,
        message: expect.stringMatching(message),
      });
      // The status is the story, not a broken stream or a missing usage chunk.
      expect(record.integrity).toEqual([]);
      expect(validateExchangeRecord(record)).toBeNull();
      expect(JSON.stringify(record)).not.toContain(TEST_API_KEY);

      const summary = summarise(record);
      expect(compileQuery('state:error')(summary)).toBe(true);
      expect(compileQuery(`error:${type}`)(summary)).toBe(true);
      expect(compileQuery(`error:${code}`)(summary)).toBe(true);
      expect(compileQuery('error:upstream-http-error')(summary)).toBe(true);
      expect(compileQuery('is:complete')(summary)).toBe(false);
    },
  );

  it('a 529 with an Anthropic body through the SDK is an overloaded_error', async () => {
    h.upstream.respond('POST /v1/chat/completions', {
      status: 529,
      body: readFixture('anthropic-error-529-overloaded.compact.json'),
      headers: json,
    });
    const thrown = await h.openai.chat.completions
      .create({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'hi' }] })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect((thrown as APIError).status).toBe(529);
    const record = await h.nextRecord();
    expect(record.state).toBe('error');
    expect(record.error).toEqual({
      kind: 'upstream-http-error',
      status: 529,
      type: 'overloaded_error',
      code: null,
      message: 'Overloaded',
    });
    expect(compileQuery('error:overloaded_error')(summarise(record))).toBe(true);
  });
});

describe('other providers and servers, over plain HTTP', () => {
  async function post(path: string): Promise<number> {
    const res = await request(`${h.proxyUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': TEST_API_KEY },
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }),
    });
    await res.body.text();
    return res.statusCode;
  }

  it('Anthropic Messages 529: overloaded_error', async () => {
    h.upstream.respond('POST /v1/messages', {
      status: 529,
      body: readFixture('anthropic-error-529-overloaded.compact.json'),
      headers: json,
    });
    expect(await post('/v1/messages')).toBe(529);
    const record = await h.nextRecord();
    expect(record).toMatchObject({ api: 'anthropic.messages', state: 'error' });
    expect(record.error).toMatchObject({
      kind: 'upstream-http-error',
      type: 'overloaded_error',
      message: 'Overloaded',
    });
  });

  it('Gemini 429: RESOURCE_EXHAUSTED', async () => {
    const path = '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse';
    h.upstream.respond(`POST ${path.split('?')[0]}`, {
      status: 429,
      body: readFixture('gemini-error-429-resource-exhausted.json'),
      headers: json,
    });
    expect(await post(path)).toBe(429);
    const record = await h.nextRecord();
    expect(record.state).toBe('error');
    expect(record.error).toMatchObject({
      kind: 'upstream-http-error',
      status: 429,
      type: 'RESOURCE_EXHAUSTED',
      code: null,
      message: expect.stringMatching(/^You exceeded your current quota/),
    });
  });

  it('an HTML 502 from a gateway and a plain-text 404', async () => {
    h.upstream.respond('POST /v1/chat/completions', {
      status: 502,
      body: readFixture('nginx-error-502.html'),
      headers: { 'content-type': 'text/html' },
    });
    h.upstream.respond('POST /api/generate', {
      status: 404,
      body: readFixture('ollama-error-404-page-not-found.txt'),
      headers: { 'content-type': 'text/plain' },
    });
    expect(await post('/v1/chat/completions')).toBe(502);
    expect((await h.nextRecord()).error).toMatchObject({
      status: 502,
      type: null,
      message: '502 Bad Gateway',
    });
    expect(await post('/api/generate')).toBe(404);
    const plain = await h.nextRecord();
    expect(plain.state).toBe('error');
    expect(plain.error).toMatchObject({ status: 404, type: null, code: null, message: '404 page not found' });
  });

  it('a proxy-side failure stays what it was, and a 2xx stays complete', async () => {
    h.upstream.respond('POST /v1/chat/completions', { status: 201, body: '{}', headers: json });
    expect(await post('/v1/chat/completions')).toBe(201);
    expect(await h.nextRecord()).toMatchObject({ state: 'complete', error: null });
  });
});
