/**
 * Full-text search (`text:"…"`), answered by the main side from the session: request text and
 * response text, a stream's merged text included, through the real proxy and the headless API.
 * Headers and keys are never searched.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { ExchangeRecord, ExchangeSummary } from '../../../shared/exchange/exchange-record.ts';
import { loadSseFixture } from '../../support/fixtures.ts';
import { type HeadlessHarness, startHeadlessHarness } from '../../support/headless-harness.ts';
import { waitForStored } from '../../support/stored-exchanges.ts';
import { chatCompletionScript } from '../../support/synthetic-llm.ts';
import { TEST_API_KEY } from '../../support/tokentap-harness.ts';

let h: HeadlessHarness;
beforeEach(async () => {
  h = await startHeadlessHarness();
  const sse = loadSseFixture('openai-chat-stream-usage.sse', { pacingMs: 1 });
  h.upstream.respond('POST /v1/chat/completions', (request) =>
    (request.json() as { stream?: boolean }).stream
      ? { headers: { 'content-type': 'text/event-stream' }, chunks: sse }
      : chatCompletionScript(request.seq, 'Noted.'),
  );
});
afterEach(async () => {
  await h.close();
});

async function search(text: string): Promise<string[]> {
  const response = await h.api(`/api/search?text=${encodeURIComponent(text)}`);
  expect(response.status).toBe(200);
  return (await response.json()) as string[];
}

const stored = (count: number): Promise<ExchangeSummary[]> => waitForStored(h, count);

it('finds exchanges by request text and by a stream’s merged answer, case-insensitive; never by headers or keys', async () => {
  const stream = await h.openai.chat.completions.create(
    {
      model: 'gpt-4o',
      stream: true,
      messages: [{ role: 'user', content: 'Where does the "config parser" live?\nIn src/?' }],
    },
    { headers: { 'x-trace-label': 'zebra-header-value' } },
  );
  for await (const _chunk of stream);
  await h.openai.chat.completions.create({
    model: 'gpt-4o',
    messages: [{ role: 'user', content: 'Something else entirely' }],
  });
  const [streamed, plain] = await stored(2);
  if (!streamed || !plain) throw new Error('two exchanges');
  const record = (await (await h.api(`/api/exchanges/${streamed.id}`)).json()) as ExchangeRecord;
  const answer = record.merged?.text ?? '';
  expect(answer.length).toBeGreaterThan(20);

  // Quotes and newlines as typed, not as JSON escapes them; any case.
  expect(await search('the "config PARSER" live?\nin')).toEqual([streamed.id]);
  // The merged text of the stream: its deltas joined, though no single chunk holds it.
  expect(await search(answer.slice(3, 30).toUpperCase())).toEqual([streamed.id]);
  expect(await search('else entirely')).toEqual([plain.id]);
  expect(await search('gpt-4o')).toEqual([streamed.id, plain.id]);
  // Not the headers, not the key (it is not stored), not key names of the JSON.
  expect(await search('zebra-header-value')).toEqual([]);
  expect(await search(TEST_API_KEY)).toEqual([]);
  expect(await search('"content"')).toEqual([]);
  expect(await search('no such text anywhere')).toEqual([]);

  // The index catches up with exchanges captured after the first search.
  await h.openai.chat.completions.create({
    model: 'gpt-4o',
    messages: [{ role: 'user', content: 'A later question about the config parser' }],
  });
  const [, , later] = await stored(3);
  expect(await search('config parser')).toEqual([streamed.id, later?.id]);
});

it('searches a past session by id, and refuses a bad session id', async () => {
  await h.openai.chat.completions.create({
    model: 'gpt-4o',
    messages: [{ role: 'user', content: 'first session words' }],
  });
  const [first] = await stored(1);
  const past = (await (await h.api('/api/status')).json()) as { session: { id: string } };
  await h.api('/api/sessions', { method: 'POST', body: '{}' });
  expect(await search('first session words')).toEqual([]);
  const response = await h.api(
    `/api/search?text=${encodeURIComponent('first session words')}&session=${past.session.id}`,
  );
  expect(await response.json()).toEqual([first?.id]);
  expect((await h.api('/api/search?text=x&session=..%2Fetc')).status).toBe(400);
});
