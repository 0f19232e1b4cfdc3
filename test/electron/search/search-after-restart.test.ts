/**
 * `text:"…"` end to end: an agent conversation through the real proxy with the openai SDK (each
 * turn re-sending the whole history, so its messages are stored as shared blocks), searched while
 * it is the current session and again after Tokentap restarts, from the search sidecar written
 * with the session.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { InspectorService } from '../../../electron/inspector-service.ts';
import { ENTRY_BYTES } from '../../../electron/search/search-sidecar.ts';
import { isEnded } from '../../../shared/exchange/exchange-lifecycle.ts';
import { type FakeUpstream, startFakeUpstream } from '../../support/fake-upstream.ts';
import { loadSseFixture } from '../../support/fixtures.ts';
import { chatCompletionScript } from '../../support/synthetic-llm.ts';
import { TEST_API_KEY } from '../../support/tokentap-harness.ts';

let upstream: FakeUpstream;
let dataDir: string;
const services: InspectorService[] = [];
beforeEach(async () => {
  upstream = await startFakeUpstream();
  dataDir = await mkdtemp(join(tmpdir(), 'tokentap-search-restart-'));
  const sse = loadSseFixture('openai-chat-stream-usage.sse', { pacingMs: 1 });
  upstream.respond('POST /v1/chat/completions', (request) =>
    (request.json() as { stream?: boolean }).stream
      ? { headers: { 'content-type': 'text/event-stream' }, chunks: sse }
      : chatCompletionScript(request.seq, `Answer ${request.seq}: done.`),
  );
});
afterEach(async () => {
  for (const service of services.splice(0)) await service.close();
  await upstream.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function startTokentap(): Promise<{ service: InspectorService; openai: OpenAI }> {
  const service = await InspectorService.start({
    dataDir,
    env: { LISTEN_ADDR: '127.0.0.1:0', UPSTREAM: upstream.url },
    headersTimeoutMs: 10_000,
    log: () => undefined,
  });
  services.push(service);
  const openai = new OpenAI({ apiKey: TEST_API_KEY, baseURL: `${service.proxy?.url}/v1`, maxRetries: 0 });
  return { service, openai };
}

it('finds text of an old re-sent block in every turn and a stream’s merged answer, now and after a restart', async () => {
  const { service, openai } = await startTokentap();
  const messages: OpenAI.ChatCompletionMessageParam[] = [
    { role: 'system', content: `You maintain the Osprey build. ${'Follow the style guide. '.repeat(20)}` },
  ];
  for (let turn = 0; turn < 4; turn++) {
    messages.push({
      role: 'user',
      content: `Tool result ${turn}: exit code ${100 + turn}. ${'output. '.repeat(300)}`,
    });
    if (turn === 3) {
      const stream = await openai.chat.completions.create({ model: 'gpt-4o', messages, stream: true });
      for await (const _chunk of stream);
    } else {
      const answer = await openai.chat.completions.create({ model: 'gpt-4o', messages });
      messages.push({ role: 'assistant', content: answer.choices[0]?.message.content ?? '' });
    }
  }
  const ids = await vi.waitFor(
    async () => {
      const list = (await service.handlers['exchanges.list'](null)).filter(isEnded);
      expect(list, 'the four turns stored').toHaveLength(4);
      return list.map((s) => s.id);
    },
    { timeout: 10_000, interval: 20 },
  );
  const search = (text: string, session: string | null) => service.handlers['search.text'](text, session);
  const sessionId = (await service.handlers['status.get']()).session.id;
  expect(await search('tool result 1: EXIT CODE 101', null)).toEqual(ids.slice(1));
  expect(await search('osprey build', null)).toEqual(ids);
  const record = await service.handlers['exchanges.get'](ids[3] as string, null);
  const merged = record?.merged?.text ?? '';
  expect(merged.length).toBeGreaterThan(20);
  expect(await search(merged.slice(2, 25), null)).toEqual([ids[3]]);

  // The sidecar was written with the session's lines: one entry per exchange.
  const sidecar = join(dataDir, 'sessions', `${sessionId}.search.bin`);
  expect((await stat(sidecar)).size).toBe(16 + 4 * ENTRY_BYTES);
  expect((await stat(sidecar)).mode & 0o777).toBe(0o600);

  await services.pop()?.close();
  const restarted = (await startTokentap()).service;
  const again = (text: string) => restarted.handlers['search.text'](text, sessionId);
  expect(await again('tool result 1: exit code 101')).toEqual(ids.slice(1));
  expect(await again('osprey build')).toEqual(ids);
  expect(await again(merged.slice(2, 25).toUpperCase())).toEqual([ids[3]]);
  expect(await again('no such words anywhere')).toEqual([]);
});
