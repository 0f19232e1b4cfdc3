/**
 * A client may send JSON nested deeper than any call stack goes (a hostile body, or a runaway
 * tool argument): the exchange is still forwarded, recorded whole, written and found by search.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { isEnded } from '../../../shared/exchange/exchange-lifecycle.ts';
import { type Harness, startHarness, TEST_API_KEY } from '../../support/tokentap-harness.ts';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

const ANSWER = {
  id: 'chatcmpl-deep',
  object: 'chat.completion',
  model: 'gpt-4o',
  choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
};

it('records, writes and searches a request whose JSON is nested 20,000 levels deep', async () => {
  h = await startHarness();
  h.upstream.respond('POST /v1/chat/completions', { body: JSON.stringify(ANSWER) });
  const depth = 20_000;
  const nested = `${'['.repeat(depth)}"deepest needle"${']'.repeat(depth)}`;
  const body = `{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"extra":${nested}}`;

  const response = await fetch(`${h.proxyUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
    body,
  });
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual(ANSWER);

  const record = await h.nextRecord();
  expect(record.state).toBe('complete');
  expect(record.request.body).toBe(body);
  expect(record.merged?.text).toBe('ok');

  await vi.waitFor(
    async () => {
      const listed = (await h.service.handlers['exchanges.list'](null)).filter(isEnded);
      expect(
        listed.map((s) => s.id),
        'the exchange written',
      ).toEqual([record.id]);
    },
    { timeout: 10_000, interval: 20 },
  );
  const stored = await h.service.handlers['exchanges.get'](record.id, null);
  expect(stored?.request.body).toBe(body);
  expect(await h.service.handlers['search.text']('deepest needle', null)).toEqual([record.id]);
});
