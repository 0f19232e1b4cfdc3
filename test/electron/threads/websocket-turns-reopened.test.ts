/**
 * A WebSocket's turns are the same when its session is imported or reopened as they were live:
 * the rebuild reads the socket's messages through the same turn logic as live capture, whether
 * the record carries its turns (`socketTurns`), was written before them (one whole-socket turn),
 * or carries no thread at all (a HAR, a foreign file). Real parts: the headless service, the
 * proxy's WebSocket relay, `ws` upstreams (a Responses API responder and a recorded Realtime
 * session), `ws` clients, the service's own export and import.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RawData } from 'ws';
import type { ExchangeRecord } from '../../../shared/exchange/exchange-record.ts';
import type { ThreadDetail, ThreadListItem } from '../../../shared/threads/thread-types.ts';
import { type HeadlessHarness, startHeadlessHarness } from '../../support/headless-harness.ts';
import {
  answerResponsesCreates,
  opened,
  playScript,
  readWebSocketRecording,
  startWebSocketUpstream,
  type WebSocketUpstream,
} from '../../support/websocket-upstream.ts';

const REALTIME = readWebSocketRecording(
  join(import.meta.dirname, '../../fixtures/wire/openai-realtime-ws-tool-call-round.jsonl'),
);
const INSTRUCTIONS = `You are Codex, a coding agent. ${'Keep changes small and run the tests. '.repeat(150)}`;

let upstream: WebSocketUpstream;
let harness: HeadlessHarness;

beforeAll(async () => {
  upstream = await startWebSocketUpstream((ws, req) => {
    if (req.url?.startsWith('/v1/realtime')) void playScript(ws, REALTIME, 'server').catch(() => {});
    else
      answerResponsesCreates(ws, {
        idPrefix: 'resp_reopen_',
        toolArguments: '{"cmd":"ls"}',
        text: (n) => `Step ${n}.`,
        cachedTokens: 1920,
      });
  });
  harness = await startHeadlessHarness(undefined, {}, { UPSTREAM: upstream.url });
});

afterAll(async () => {
  await harness?.close();
  await upstream?.close();
});

/** Three turns on one Responses socket, each sent once the previous one's answer has come. */
async function responsesSocket(): Promise<void> {
  const client = harness.websocket('/v1/responses');
  await opened(client);
  const inputs = [
    [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'List the files.' }] }],
    [{ type: 'function_call_output', call_id: 'call_1', output: 'a.ts b.ts' }],
    [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Now the tests.' }] }],
  ];
  let previous: string | null = null;
  for (const input of inputs) {
    const done = new Promise<string>((resolve) => {
      const on = (data: RawData) => {
        const text = data.toString();
        if (!text.includes('"response.completed"')) return;
        client.off('message', on);
        resolve((JSON.parse(text) as { response: { id: string } }).response.id);
      };
      client.on('message', on);
    });
    client.send(
      JSON.stringify({
        type: 'response.create',
        model: 'gpt-5.5',
        instructions: INSTRUCTIONS,
        ...(previous && { previous_response_id: previous }),
        input,
      }),
    );
    previous = await done;
  }
  client.close(1000);
}

async function realtimeSocket(): Promise<void> {
  const client = harness.websocket('/v1/realtime?model=gpt-realtime');
  const playing = playScript(client, REALTIME, 'client');
  await opened(client);
  await playing;
  client.close(1000);
}

/**
 * What a thread shows of each turn (not which exchange or session it is in; not the context's
 * token estimates, which a rebuild in the main process makes by characters, the worker by tokenizer).
 */
function shown(detail: ThreadDetail | null) {
  return {
    title: detail?.thread.title,
    turns: detail?.thread.turns,
    each: detail?.turns.map((t) => ({
      turn: t.turn,
      startedAt: t.startedAt,
      model: t.model,
      usage: t.usage,
      delta: t.delta,
      cache: t.cache,
      context: t.context?.scaledTo,
    })),
  };
}

async function threadsOf(session: string | null): Promise<ReturnType<typeof shown>[]> {
  const list: ThreadListItem[] = await harness.service.handlers['threads.list'](session);
  const details = [];
  for (const item of [...list].sort((a, b) => (a.title < b.title ? -1 : 1)))
    details.push(shown(await harness.service.handlers['threads.get'](item.id, session)));
  return details;
}

describe('WebSocket turns after a reopen or import', () => {
  it('rebuilds the turns live capture showed, from records with socketTurns, records from before them, and HAR', async () => {
    await responsesSocket();
    await realtimeSocket();
    const live = await vi.waitFor(
      async () => {
        const got = await threadsOf(null);
        expect(
          got.map((t) => [t.title, t.turns]),
          'both sockets closed and threaded',
        ).toEqual([
          ['List the files.', 3],
          ['What is the weather in London?', 2],
        ]);
        expect(got.flatMap((t) => t.each?.map((e) => e.cache?.verdict) ?? [])).not.toContain(undefined);
        const list = await harness.service.handlers['exchanges.list'](null);
        expect(list.filter((s) => s.state === 'complete')).toHaveLength(2);
        return got;
      },
      { timeout: 10_000, interval: 50 },
    );
    expect(live[0]?.each?.map((t) => t.cache?.verdict)).toEqual(['miss', 'hit', 'partial']);

    const jsonl = await harness.service.handlers['export.build']({
      format: 'jsonl',
      session: null,
      ids: null,
    });
    const records = jsonl.content
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as ExchangeRecord);
    expect(records.every((r) => r.socketTurns !== undefined)).toBe(true);
    const importing = async (name: string, content: string) => {
      const { session } = await harness.service.handlers['import.load']({ name, content });
      return threadsOf(session.id);
    };

    // As exported: the records' own turns.
    expect(await importing('as-exported.jsonl', jsonl.content)).toEqual(live);

    // Written before turns were read one by one: a Responses socket as one whole-socket turn (no
    // `lastTurn`, no `socketTurns`), a Realtime socket without a thread.
    const before = records.map((r) => {
      const { socketTurns: _turns, thread, ...rest } = r;
      if (r.api === 'openai.realtime' || !thread) return JSON.stringify(rest);
      const { lastTurn: _last, ...ref } = thread;
      return JSON.stringify({ ...rest, thread: ref });
    });
    expect(await importing('before-socket-turns.jsonl', `${before.join('\n')}\n`)).toEqual(live);

    // A HAR: with Tokentap's thread fields, and without them (a foreign HAR keeps only the messages).
    const har = await harness.service.handlers['export.build']({ format: 'har', session: null, ids: null });
    expect(await importing('session.har', har.content)).toEqual(live);
    const foreign = JSON.parse(har.content) as { log: { entries: Record<string, unknown>[] } };
    for (const entry of foreign.log.entries)
      for (const key of ['_thread', '_delta', '_cache', '_context', '_socketTurns']) delete entry[key];
    expect(await importing('foreign.har', JSON.stringify(foreign))).toEqual(live);
  });
});
