/**
 * A long-lived Responses API WebSocket (Codex, the Agents SDK) threaded while it is open: each
 * `response.create` that generates, with the `response.completed` that answers it, is a turn of
 * the socket's thread, listed by `GET /api/threads` before the socket closes. Real parts: the
 * headless service and UI server, the proxy's WebSocket relay, a `ws` upstream and client.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RawData } from 'ws';
import type { ThreadDetail, ThreadListItem } from '../../../shared/threads/thread-types.ts';
import { type HeadlessHarness, startHeadlessHarness } from '../../support/headless-harness.ts';
import {
  answerResponsesCreates,
  opened,
  startWebSocketUpstream,
  type WebSocketUpstream,
} from '../../support/websocket-upstream.ts';

const INSTRUCTIONS = `You are Codex, a coding agent. ${'Keep changes small and run the tests. '.repeat(150)}`;
const TOOLS = [{ type: 'function', name: 'exec_command', description: 'Runs a command.' }];

let upstream: WebSocketUpstream;
let harness: HeadlessHarness;

beforeAll(async () => {
  // Answers every generating response.create with a response (a tool call on the first), as the Responses API does.
  upstream = await startWebSocketUpstream((ws) =>
    answerResponsesCreates(ws, {
      idPrefix: 'resp_live_',
      toolArguments: '{"cmd":"npm test"}',
      text: () => 'Done.',
      cachedTokens: 2176,
      announce: true,
    }),
  );
  harness = await startHeadlessHarness(undefined, {}, { UPSTREAM: upstream.url });
});

afterAll(async () => {
  await harness?.close();
  await upstream?.close();
});

describe('a Responses WebSocket threaded as it goes', () => {
  it('lists each response.create / response.completed pair as a turn while the socket is still open', async () => {
    const client = harness.websocket('/v1/responses');
    await opened(client);
    const completed = (): Promise<string> =>
      new Promise((resolve) => {
        const on = (data: RawData) => {
          const text = data.toString();
          if (!text.includes('"response.completed"')) return;
          client.off('message', on);
          resolve((JSON.parse(text) as { response: { id: string } }).response.id);
        };
        client.on('message', on);
      });
    const send = (event: Record<string, unknown>) => client.send(JSON.stringify(event));
    // Codex's warm-up first: no output asked for, so not a turn.
    let done = completed();
    send({
      type: 'response.create',
      model: 'gpt-5.5',
      instructions: INSTRUCTIONS,
      tools: TOOLS,
      generate: false,
      input: [],
    });
    await done;
    done = completed();
    send({
      type: 'response.create',
      model: 'gpt-5.5',
      instructions: INSTRUCTIONS,
      tools: TOOLS,
      input: [
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Make the tests pass.' }] },
      ],
    });
    const first = await done;
    done = completed();
    send({
      type: 'response.create',
      model: 'gpt-5.5',
      instructions: INSTRUCTIONS,
      tools: TOOLS,
      previous_response_id: first,
      input: [{ type: 'function_call_output', call_id: 'call_1', output: 'Tests: 12 passed' }],
    });
    await done;

    // The socket is still open: its two turns are listed already.
    const thread = await vi.waitFor(
      async () => {
        const list = await harness.json<ThreadListItem[]>('/api/threads');
        const found = list.find((t) => t.title === 'Make the tests pass.');
        expect(found?.turns).toBe(2);
        return found as ThreadListItem;
      },
      { timeout: 10_000, interval: 50 },
    );
    const detail = await vi.waitFor(
      async () => {
        const got = await harness.json<ThreadDetail>(`/api/threads/${thread.id}`);
        expect(got.turns.map((t) => t.cache?.verdict ?? null)).toEqual(['miss', 'hit']);
        return got;
      },
      { timeout: 10_000, interval: 50 },
    );
    expect(detail.turns.map((t) => t.turn)).toEqual([1, 2]);
    expect(detail.turns[1]?.delta).toMatchObject({
      link: 'previous-response-id',
      appended: [{ at: 'input[0]', kind: 'tool-result' }],
    });
    expect(detail.turns[1]?.usage?.cachedTokens).toBe(2176);
    expect(detail.turns[0]?.exchangeId).toBe(detail.turns[1]?.exchangeId);

    // Closed, the exchange's record keeps both turns.
    client.close(1000);
    await vi.waitFor(
      async () => {
        const list = await harness.json<{ id: string; state: string }[]>('/api/exchanges');
        expect(list.some((s) => s.id === detail.turns[0]?.exchangeId && s.state === 'complete')).toBe(true);
      },
      { timeout: 10_000, interval: 50 },
    );
    const after = await harness.json<ThreadDetail>(`/api/threads/${thread.id}`);
    expect(after.thread.turns).toBe(2);
    expect(after.turns.map((t) => [t.turn, t.cache?.verdict])).toEqual([
      [1, 'miss'],
      [2, 'hit'],
    ]);
  });
});
