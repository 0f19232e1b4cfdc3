/**
 * Replay and resend through the headless app's HTTP API: resend goes to the live upstream with
 * the key given (never a recorded one), edited, as a new exchange linked to its original; replay
 * mode starts and stops from the API and shows in the status.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ProxyStatus } from '../../../shared/contract/inspector-contract.ts';
import type { ExchangeRecord, ExchangeSummary } from '../../../shared/exchange/exchange-record.ts';
import { loadSseFixture, readFixtureText } from '../../support/fixtures.ts';
import { type HeadlessHarness, startHeadlessHarness } from '../../support/headless-harness.ts';
import { TEST_API_KEY } from '../../support/tokentap-harness.ts';

let h: HeadlessHarness;
beforeEach(async () => {
  h = await startHeadlessHarness();
});
afterEach(async () => {
  await h.close();
});

async function json<T>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

/** Captures one streamed chat exchange and returns its summary once it is in the session. */
async function captureOne(): Promise<ExchangeSummary> {
  h.upstream.respond('POST /v1/chat/completions', {
    chunks: loadSseFixture('openai-chat-stream-usage.sse', { pacingMs: 2 }),
  });
  const stream = await h.openai.chat.completions.create({
    model: 'gpt-4o',
    messages: [{ role: 'user', content: 'What is the capital of Mexico?' }],
    stream: true,
    stream_options: { include_usage: true },
  });
  for await (const _ of stream) {
    // drain
  }
  return vi.waitFor(
    async () => {
      const list = await json<ExchangeSummary[]>(await h.api('/api/exchanges'));
      const done = list.find((s) => s.state === 'complete');
      expect(done, 'the exchange listed as complete').toBeDefined();
      return done as ExchangeSummary;
    },
    { timeout: 10_000, interval: 20 },
  );
}

describe('POST /api/exchanges/:id/resend', () => {
  it('sends the request again, edited, with the key given, as a new exchange linked to the original', async () => {
    const original = await captureOne();
    const response = await h.api(`/api/exchanges/${original.id}/resend`, {
      method: 'POST',
      body: JSON.stringify({ model: 'gpt-4o-mini', apiKey: 'sk-resend-KEY-1234' }),
    });
    expect(response.status).toBe(201);
    const resent = await json<ExchangeSummary>(response);
    expect(resent.id).not.toBe(original.id);
    expect(resent.resentFrom).toBe(original.id);
    expect(resent.state).toBe('complete');
    const seen = h.upstream.requests.at(-1);
    expect(seen?.headers.authorization).toBe('Bearer sk-resend-KEY-1234');
    expect(seen?.headers['x-tokentap-resent-from']).toBeUndefined();
    expect(seen?.json()).toMatchObject({
      model: 'gpt-4o-mini',
      stream: true,
      messages: [{ content: 'What is the capital of Mexico?' }],
    });
    const record = await json<ExchangeRecord>(await h.api(`/api/exchanges/${resent.id}`));
    expect(record.resentFrom).toBe(original.id);
    expect(JSON.stringify(record)).not.toContain('sk-resend-KEY-1234');
    expect(record.request.headers.authorization).toBe('[redacted]');
  });

  it('takes an edited body, and refuses without a key instead of sending a redacted one', async () => {
    const original = await captureOne();
    const refused = await h.api(`/api/exchanges/${original.id}/resend`, { method: 'POST' });
    expect(refused.status).toBe(400);
    expect((await json<{ error: { message: string } }>(refused)).error.message).toContain('OPENAI_API_KEY');
    h.upstream.respond('POST /v1/chat/completions', {
      body: readFixtureText('openai-chat-nonstream.json'),
      headers: { 'content-type': 'application/json' },
    });
    const body = JSON.stringify({ model: 'gpt-4.1-nano', messages: [{ role: 'user', content: 'Edited' }] });
    const resent = await json<ExchangeSummary>(
      await h.api(`/api/exchanges/${original.id}/resend`, {
        method: 'POST',
        body: JSON.stringify({ body, apiKey: TEST_API_KEY }),
      }),
    );
    expect(resent.resentFrom).toBe(original.id);
    expect(h.upstream.requests.at(-1)?.body.toString()).toBe(body);
    expect(h.upstream.requests.at(-1)?.headers.authorization).toBe(`Bearer ${TEST_API_KEY}`);
  });
});

describe('POST and DELETE /api/replay', () => {
  it('turns replay mode on from the current session and off again, shown in the status', async () => {
    await captureOne();
    const requestsBefore = h.upstream.requests.length;
    const started = await json<ProxyStatus>(
      await h.api('/api/replay', {
        method: 'POST',
        body: JSON.stringify({ speed: 0, faults: ['drop-usage'] }),
      }),
    );
    expect(started.replay).toMatchObject({
      recordings: 1,
      speed: 0,
      fallthrough: false,
      faults: [{ kind: 'drop-usage' }],
    });
    let text = '';
    let usage = false;
    const stream = await h.openai.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'What is the capital of Mexico?' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      usage ||= Boolean(chunk.usage);
    }
    expect(text).toBe('The capital of Mexico is Mexico City.');
    expect(usage).toBe(false);
    expect(h.upstream.requests.length).toBe(requestsBefore);
    expect((await json<ProxyStatus>(await h.api('/api/status'))).replay?.served).toBe(1);
    const bad = await h.api('/api/replay', { method: 'POST', body: JSON.stringify({ speed: -1 }) });
    expect(bad.status).toBe(400);
    const stopped = await json<ProxyStatus>(await h.api('/api/replay', { method: 'DELETE' }));
    expect(stopped.replay).toBeNull();
  });
});
