/**
 * Usage and cost of the endpoints beyond chat, read from what really crossed the proxy: the
 * official OpenAI SDK's legacy completions and transcriptions (a multipart upload), Ollama's
 * /api/generate and /api/embed over plain HTTP; and the upstream's origin reaching the record,
 * where pricing reads it.
 */
import { toFile } from 'openai';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, defaultAnalyzers } from '../../electron/capture/capture-pipeline.ts';
import { ExchangeAssembler } from '../../electron/capture/exchange-assembler.ts';
import type { CaptureEvent } from '../../shared/exchange/capture-events.ts';
import type { ExchangeRecord } from '../../shared/exchange/exchange-record.ts';
import { validateExchangeRecord } from '../../shared/exchange/validate-exchange-record.ts';
import { loadNdjsonFixture, loadSseFixture, readFixture } from '../support/fixtures.ts';
import { type Harness, startHarness } from '../support/tokentap-harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const json = { 'content-type': 'application/json' };
// A few bytes that stand for a WAV file: the fake upstream does not listen to it.
const audio = () =>
  toFile(Buffer.from('RIFF\u0024\u0000\u0000\u0000WAVEfmt '), 'hello.wav', { type: 'audio/wav' });

describe('the official SDK through the proxy', () => {
  it('legacy completions, streamed by vLLM with continuous usage: the last count, priced by the upstream named', async () => {
    h.upstream.respond('POST /v1/completions', {
      chunks: loadSseFixture('vllm-completions-stream-continuous-usage.sse', { pacingMs: 2 }),
    });
    const stream = await h.openai.completions.create({
      model: 'meta-llama/Meta-Llama-3.1-8B-Instruct',
      prompt: 'Say hello',
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
    expect(text).toBe('Hello! How can I help?');
    const record = await h.nextRecord();
    expect(record).toMatchObject({
      api: 'openai.completions',
      stream: true,
      state: 'complete',
      integrity: [],
    });
    expect(record.merged?.text).toBe(text);
    expect(record.usage).toEqual({
      inputTokens: 5,
      outputTokens: 7,
      cachedTokens: null,
      reasoningTokens: null,
      totalTokens: 12,
    });
    // The upstream is this machine: a self-hosted model has no list price.
    expect(record.upstream).toBe(new URL(h.upstream.url).origin);
    expect(record.costUsd).toBeNull();
    expect(validateExchangeRecord(record)).toBeNull();
  });

  it('legacy completions without streaming: gpt-3.5-turbo-instruct at $1.50 in, $2 out', async () => {
    h.upstream.respond('POST /v1/completions', {
      body: readFixture('openai-completions-nonstream.json'),
      headers: json,
    });
    const answer = await h.openai.completions.create({
      model: 'gpt-3.5-turbo-instruct',
      prompt: 'Say this is a test',
    });
    expect(answer.choices[0]?.text).toBe('\n\nThis is indeed a test');
    const record = await h.nextRecord();
    expect(record).toMatchObject({
      api: 'openai.completions',
      model: 'gpt-3.5-turbo-instruct',
      stream: false,
    });
    expect(record.usage).toMatchObject({ inputTokens: 5, outputTokens: 7, totalTokens: 12 });
    expect(record.costUsd).toBeCloseTo((5 * 1.5 + 7 * 2) / 1e6, 12);
  });

  it('a whisper-1 transcription: the model from the multipart form, 37 s of audio at $0.36 an hour', async () => {
    h.upstream.respond('POST /v1/audio/transcriptions', {
      body: readFixture('openai-transcription-verbose-json-duration-usage.truncated.json'),
      headers: json,
    });
    const transcription = await h.openai.audio.transcriptions.create({
      file: await audio(),
      model: 'whisper-1',
      response_format: 'verbose_json',
    });
    expect(transcription.text).toMatch(/^Galileo/);
    const record = await h.nextRecord();
    expect(record).toMatchObject({
      api: 'openai.transcriptions',
      model: 'whisper-1',
      stream: false,
      state: 'complete',
    });
    expect(record.usage).toMatchObject({ inputTokens: 0, outputTokens: 0, audioSeconds: 37 });
    expect(record.costUsd).toBeCloseTo((0.36 * 37) / 3600, 12);
    expect(record.merged?.text).toBe(transcription.text);
  });

  it('a gpt-4o-transcribe transcription, streamed: token usage with the audio input apart', async () => {
    h.upstream.respond('POST /v1/audio/transcriptions', {
      chunks: loadSseFixture('openai-transcription-stream-tokens-usage.sse', { pacingMs: 2 }),
    });
    const stream = await h.openai.audio.transcriptions.create({
      file: await audio(),
      model: 'gpt-4o-transcribe',
      stream: true,
    });
    let text = '';
    for await (const event of stream) if (event.type === 'transcript.text.delta') text += event.delta;
    expect(text).toBe('I see skies of blue and clouds of white.');
    const record = await h.nextRecord();
    expect(record).toMatchObject({
      api: 'openai.transcriptions',
      model: 'gpt-4o-transcribe',
      stream: true,
      integrity: [],
    });
    expect(record.usage).toMatchObject({ inputTokens: 14, outputTokens: 11, inputAudioTokens: 14 });
    expect(record.costUsd).toBeCloseTo((14 * 6 + 11 * 10) / 1e6, 12);
    expect(record.timings.firstTokenMs).not.toBeNull();
  });
});

describe("Ollama's native API over plain HTTP", () => {
  it('/api/generate streamed: the text and the counts of the done line', async () => {
    h.upstream.respond('POST /api/generate', {
      headers: { 'content-type': 'application/x-ndjson' },
      chunks: loadNdjsonFixture('ollama-api-generate-stream.ndjson', { pacingMs: 2 }),
    });
    const res = await request(`${h.proxyUrl}/api/generate`, {
      method: 'POST',
      body: JSON.stringify({ model: 'llama3.2', prompt: 'Why is the sky blue?' }),
    });
    await res.body.text();
    const record = await h.nextRecord();
    expect(record).toMatchObject({ api: 'ollama.generate', model: 'llama3.2', stream: true, integrity: [] });
    expect(record.merged?.text).toBe('The sky is blue because of Rayleigh scattering.');
    expect(record.usage).toMatchObject({ inputTokens: 26, outputTokens: 259, totalTokens: 285 });
  });

  it('/api/embed: the prompt count', async () => {
    h.upstream.respond('POST /api/embed', { body: readFixture('ollama-api-embed.json'), headers: json });
    const res = await request(`${h.proxyUrl}/api/embed`, {
      method: 'POST',
      body: JSON.stringify({ model: 'all-minilm', input: 'Why is the sky blue?' }),
    });
    await res.body.text();
    const record = await h.nextRecord();
    expect(record).toMatchObject({ api: 'ollama.embed', model: 'all-minilm', stream: false, integrity: [] });
    expect(record.usage).toMatchObject({ inputTokens: 8, outputTokens: 0 });
  });
});

describe('the upstream origin reaches pricing', () => {
  /** The record the real analyzers make of a DeepSeek call forwarded to `upstream`. */
  function deepseekRecord(upstream: string | undefined): ExchangeRecord {
    const body = new TextEncoder().encode(JSON.stringify({ model: 'deepseek-chat', messages: [] }));
    const answer = new TextEncoder().encode(
      JSON.stringify({
        model: 'deepseek-chat',
        choices: [{ index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'stop' }],
        usage: {
          prompt_tokens: 1000,
          completion_tokens: 200,
          total_tokens: 1200,
          prompt_cache_hit_tokens: 600,
        },
      }),
    );
    const start = {
      type: 'request-start' as const,
      exchangeId: 'ex-deepseek',
      t: 0 as const,
      startedAt: Date.parse('2026-06-01T12:00:00Z'),
      method: 'POST',
      path: '/v1/chat/completions',
      headers: {},
      tenant: null,
      organization: null,
      project: null,
      ...(upstream === undefined ? {} : { upstream }),
    };
    const events: CaptureEvent[] = [
      { type: 'request-body-part', exchangeId: 'ex-deepseek', t: 1, data: body },
      { type: 'request-end', exchangeId: 'ex-deepseek', t: 1 },
      { type: 'response-head', exchangeId: 'ex-deepseek', t: 50, status: 200, headers: json },
      { type: 'response-body-part', exchangeId: 'ex-deepseek', t: 60, data: answer },
      { type: 'response-end', exchangeId: 'ex-deepseek', t: 61 },
    ];
    let record: ExchangeRecord | null = null;
    const assembler = new ExchangeAssembler(
      start,
      1,
      defaultAnalyzers(DEFAULT_LIMITS).map((make) => make()),
      DEFAULT_LIMITS,
      {
        onRecord: (r) => {
          record = r;
        },
        onChange: () => {},
        onAnalyzerError: (name, _id, error) => {
          throw new Error(`${name}: ${String(error)}`);
        },
      },
    );
    for (const event of events) assembler.handle(event);
    if (record === null) throw new Error('no record');
    return record;
  }

  it('a deepseek-chat call forwarded to api.deepseek.com is priced at its day rate when it was made', () => {
    const record = deepseekRecord('https://api.deepseek.com');
    expect(record.upstream).toBe('https://api.deepseek.com');
    expect(record.usage).toMatchObject({ inputTokens: 1000, cachedTokens: 600, outputTokens: 200 });
    expect(record.costUsd).toBeCloseTo((400 * 0.27 + 600 * 0.07 + 200 * 1.1) / 1e6, 12);
  });

  it('without a known upstream it stays unpriced, as before', () => {
    const record = deepseekRecord(undefined);
    expect(record).not.toHaveProperty('upstream');
    expect(record.costUsd).toBeNull();
  });
});
