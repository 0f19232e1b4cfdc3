/**
 * A conversation that goes on after Tokentap restarts stays in its thread: the new session's
 * analysis worker is seeded from the previous session's index (summaries only). Real parts: two
 * InspectorService starts on one data directory, the proxy, the official OpenAI SDK, a local upstream.
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { InspectorService } from '../../../electron/inspector-service.ts';
import type { ThreadListItem } from '../../../shared/threads/thread-types.ts';
import { type FakeUpstream, startFakeUpstream } from '../../support/fake-upstream.ts';
import { TEST_API_KEY } from '../../support/tokentap-harness.ts';

const SYSTEM = `You are a coding agent. ${'Keep changes small and tested. '.repeat(200)}`;

let upstream: FakeUpstream;
let dataDir: string;
const logs: string[] = [];

beforeAll(async () => {
  upstream = await startFakeUpstream();
  let n = 0;
  upstream.respond('POST /v1/chat/completions', () => {
    n++;
    return {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        id: `chatcmpl-${n}`,
        object: 'chat.completion',
        created: 1_780_000_000,
        model: 'gpt-4.1-2025-04-14',
        choices: [
          { index: 0, message: { role: 'assistant', content: `Answer ${n}.` }, finish_reason: 'stop' },
        ],
        usage: {
          prompt_tokens: 1500 + n,
          completion_tokens: 4,
          total_tokens: 1504 + n,
          prompt_tokens_details: { cached_tokens: n === 1 ? 0 : 1408 },
        },
      }),
    };
  });
  dataDir = await mkdtemp(join(tmpdir(), 'tokentap-restart-'));
});

afterAll(async () => {
  await upstream?.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** Starts Tokentap on the data directory, runs `use` with a client pointed at it, and stops it. */
async function withTokentap<T>(use: (openai: OpenAI, service: InspectorService) => Promise<T>): Promise<T> {
  const service = await InspectorService.start({
    dataDir,
    env: { LISTEN_ADDR: '127.0.0.1:0', UPSTREAM: upstream.url },
    headersTimeoutMs: 10_000,
    log: (message) => logs.push(message),
  });
  try {
    const openai = new OpenAI({ apiKey: TEST_API_KEY, baseURL: `${service.proxy?.url}/v1`, maxRetries: 0 });
    return await use(openai, service);
  } finally {
    await service.close();
  }
}

/** The current session's threads once `turns` turns are listed. */
async function threadsOf(service: InspectorService, turns: number): Promise<ThreadListItem[]> {
  return vi.waitFor(
    async () => {
      const list = await service.handlers['threads.list'](null);
      expect(list.reduce((sum, t) => sum + t.turns, 0)).toBe(turns);
      return list;
    },
    { timeout: 10_000, interval: 50 },
  );
}

describe('threads after a restart', () => {
  it('makes the next request of a conversation from before the restart its thread’s next turn', async () => {
    const messages: ChatCompletionMessageParam[] = [
      { role: 'system', content: SYSTEM },
      { role: 'user', content: 'Why does the build fail?' },
    ];
    const ask = async (openai: OpenAI) => {
      const answer = await openai.chat.completions.create({ model: 'gpt-4.1', messages });
      messages.push({ role: 'assistant', content: answer.choices[0]?.message.content ?? '' });
    };
    const before = await withTokentap(async (openai, service) => {
      await ask(openai);
      messages.push({ role: 'user', content: 'Fix it.' });
      await ask(openai);
      return threadsOf(service, 2);
    });
    expect(before).toHaveLength(1);
    const id = before[0]?.id;

    messages.push({ role: 'user', content: 'Now run the tests.' });
    const after = await withTokentap(async (openai, service) => {
      await ask(openai);
      const list = await threadsOf(service, 1);
      const detail = await service.handlers['threads.get'](id ?? '', null);
      return { list, detail };
    });
    expect(after.list.map((t) => [t.id, t.title])).toEqual([[id, 'Why does the build fail?']]);
    const turn = after.detail?.turns[0];
    expect(turn?.turn).toBe(3);
    expect(turn?.delta).toMatchObject({ link: 'prefix', changed: [], compacted: false });
    expect(turn?.delta?.appended.map((a) => [a.at, a.kind])).toEqual([
      ['messages[4]', 'echoed-answer'],
      ['messages[5]', 'user'],
    ]);
    expect(turn?.cache).toMatchObject({ verdict: 'hit', reason: null });
    expect(logs.filter((l) => l.includes('threads are not continued'))).toEqual([]);
  });
});
