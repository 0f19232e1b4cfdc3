/**
 * Coding agents send the whole conversation every turn, megabytes of it: a 20 MB streamed chat
 * request through the real proxy with the SDK keeps its model, stream flag and API kind although
 * its body is cut at the capture cap.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../electron/capture/capture-pipeline.ts';
import { loadSseFixture } from '../../support/fixtures.ts';
import { type Harness, startHarness } from '../../support/tokentap-harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const PROMPT = 'Refactor this file. '.repeat(1_000_000); // 20 MB of conversation

describe('a request over the capture cap', () => {
  it('is captured up to 16 MiB by default', () => {
    expect(DEFAULT_LIMITS.requestBodyBytes).toBe(16 * 1024 * 1024);
  });

  it('keeps model, stream flag and API kind of a 20 MB streamed chat request (SDK)', async () => {
    h.upstream.respond('POST /v1/chat/completions', {
      chunks: loadSseFixture('openai-chat-stream-usage.sse'),
    });
    // The SDK writes the fields in the caller's order: `stream` comes after the 20 MB of messages.
    const stream = await h.openai.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: PROMPT }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('The capital of Mexico is Mexico City.');

    const sent = (await h.upstream.requests[0]?.bodyComplete) as Buffer;
    expect(sent.byteLength).toBeGreaterThan(20_000_000);
    const record = await h.nextRecord();
    expect(record).toMatchObject({ api: 'openai.chat', model: 'gpt-4o-2024-08-06', stream: true });
    expect(record.request.bodyTruncated).toBe(true);
    expect(record.request.bodyBytes).toBe(sent.byteLength);
    expect(Buffer.byteLength(record.request.body)).toBe(16 * 1024 * 1024);
    expect(record.usage?.totalTokens).toBe(22);
  });

  it('reads the stream flag from the kept start when the request says it first', async () => {
    h.upstream.respond('POST /v1/chat/completions', {
      body: '{"error":{"message":"too long"}}',
      status: 400,
    });
    const body = JSON.stringify({
      stream: true,
      model: 'gpt-4.1',
      messages: [{ role: 'user', content: PROMPT }],
    });
    const response = await fetch(`${h.proxyUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(response.status).toBe(400);
    await response.text();
    const record = await h.nextRecord();
    expect(record).toMatchObject({ api: 'openai.chat', model: 'gpt-4.1', stream: true });
    expect(record.request.bodyTruncated).toBe(true);
  });
});
