/**
 * A Realtime API WebSocket threaded as it goes: each response (a client `response.create` and
 * the server's `response.done`) is a turn of the socket's thread, its request the conversation
 * items so far, its usage and cache verdict from `response.done`. Real parts: the headless
 * service, the proxy's WebSocket relay, a `ws` upstream replaying a recorded Realtime session
 * (test/fixtures/wire/SOURCES.md) and a `ws` client playing the recording's client side.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ThreadDetail, ThreadListItem } from '../../../shared/threads/thread-types.ts';
import { type HeadlessHarness, startHeadlessHarness } from '../../support/headless-harness.ts';
import {
  opened,
  playScript,
  readWebSocketRecording,
  startWebSocketUpstream,
  type WebSocketUpstream,
} from '../../support/websocket-upstream.ts';

const TOOL_CALL_ROUND = readWebSocketRecording(
  join(import.meta.dirname, '../../fixtures/wire/openai-realtime-ws-tool-call-round.jsonl'),
);

let upstream: WebSocketUpstream;
let harness: HeadlessHarness;

beforeAll(async () => {
  upstream = await startWebSocketUpstream((ws) => {
    void playScript(ws, TOOL_CALL_ROUND, 'server').catch(() => {});
  });
  harness = await startHeadlessHarness(undefined, {}, { UPSTREAM: upstream.url });
});

afterAll(async () => {
  await harness?.close();
  await upstream?.close();
});

describe('a Realtime API WebSocket threaded as it goes', () => {
  it('lists each response of a recorded tool-call round as a turn, with its delta, usage and cache verdict', async () => {
    const client = harness.websocket('/v1/realtime?model=gpt-realtime');
    // The whole recorded conversation: the client's side sent as the server's answers arrive.
    const playing = playScript(client, TOOL_CALL_ROUND, 'client');
    await opened(client);
    await playing;

    // Still open: both responses are turns of one thread.
    const thread = await vi.waitFor(
      async () => {
        const list = await harness.json<ThreadListItem[]>('/api/threads');
        const found = list.find((t) => t.title === 'What is the weather in London?');
        expect(found?.turns, 'the Realtime thread with both responses').toBe(2);
        return found as ThreadListItem;
      },
      { timeout: 10_000, interval: 50 },
    );
    expect(thread.apis).toEqual(['openai.realtime']);
    const detail = await vi.waitFor(
      async () => {
        const got = await harness.json<ThreadDetail>(`/api/threads/${thread.id}`);
        expect(
          got.turns.map((t) => t.usage?.inputTokens ?? null),
          'both turns ended',
        ).toEqual([63, 103]);
        return got;
      },
      { timeout: 10_000, interval: 50 },
    );
    const [first, second] = detail.turns;
    expect(detail.turns.map((t) => t.turn)).toEqual([1, 2]);
    expect(first?.exchangeId).toBe(second?.exchangeId);
    expect(first?.model).toBe('gpt-realtime');
    expect(first?.cache?.verdict).toBe('miss');
    // Turn 2 extends what turn 1 sent with turn 1's answer (the function call) and the client's result.
    expect(second?.delta).toMatchObject({
      link: 'prefix',
      appended: [
        { at: 'input[1]', kind: 'echoed-answer' },
        { at: 'input[2]', kind: 'tool-result' },
      ],
      changed: [],
    });
    expect(second?.usage?.cachedTokens).toBe(64);
    // 64 cached of 103: all that turn 1 sent (63 tokens) was read from the cache.
    expect(second?.cache).toMatchObject({ verdict: 'hit', readTokens: 64 });

    client.close(1000);
    await vi.waitFor(
      async () => {
        const list = await harness.json<{ id: string; state: string }[]>('/api/exchanges');
        expect(
          list.some((s) => s.id === first?.exchangeId && s.state === 'complete'),
          'the socket recorded as complete',
        ).toBe(true);
      },
      { timeout: 10_000, interval: 50 },
    );
    const after = await harness.json<ThreadDetail>(`/api/threads/${thread.id}`);
    expect(after.turns.map((t) => [t.turn, t.cache?.verdict])).toEqual([
      [1, 'miss'],
      [2, 'hit'],
    ]);
  });
});
