/**
 * An agent re-sends its whole conversation every turn. The analysis worker hands a record to the
 * forwarding thread without the texts of message blocks the session file already has (as the
 * forwarding thread reported them written), so the history is not copied between threads on every
 * turn; a new session file, and a report about another file, make it carry every text again. And
 * end to end, through the real proxy with the official SDK: every turn reads back whole, in the
 * session it was captured in, across a new session started mid-conversation.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type FromWorker, packEvents, type ToWorker } from '../../../electron/capture/analysis-protocol.ts';
import type { FinishedExchange } from '../../../electron/capture/finished-exchange.ts';
import { startAnalysisWorker, stopAnalysisWorker } from '../../support/analysis-worker.ts';
import { jsonExchange, requestStart } from '../../support/exchange-events.ts';
import { waitForStored } from '../../support/stored-exchanges.ts';
import { chatCompletionScript } from '../../support/synthetic-llm.ts';
import { type Harness, startHarness } from '../../support/tokentap-harness.ts';

/** The conversation after `turn` turns: a long system prompt, then a user and an assistant message per turn. */
function conversation(turn: number): Array<{ role: 'system' | 'user' | 'assistant'; content: string }> {
  const messages: Array<{ role: 'system' | 'user' | 'assistant'; content: string }> = [
    {
      role: 'system',
      content: `You are a coding agent. ${'Follow the repository conventions. '.repeat(120)}`,
    },
  ];
  for (let i = 1; i <= turn; i++) {
    messages.push({
      role: 'user',
      content: `Turn ${i}: ${'the tool output the agent re-sends. '.repeat(30)}`,
    });
    if (i < turn)
      messages.push({ role: 'assistant', content: `Answer ${i}: ${'done, next step. '.repeat(20)}` });
  }
  return messages;
}

function turnEvents(turn: number) {
  const body = Buffer.from(JSON.stringify({ model: 'gpt-4o', messages: conversation(turn) }));
  const answer = Buffer.from(
    JSON.stringify({
      id: `chatcmpl-${turn}`,
      object: 'chat.completion',
      model: 'gpt-4o-2024-08-06',
      choices: [
        { index: 0, message: { role: 'assistant', content: `Answer ${turn}` }, finish_reason: 'stop' },
      ],
    }),
  );
  return jsonExchange(requestStart(`turn-${turn}`), body, answer);
}

describe('the analysis worker', () => {
  it('leaves out the texts of blocks the session file has, and carries them all again for another file', async () => {
    const worker = startAnalysisWorker();
    const records: FinishedExchange[] = [];
    let answered: (() => void) | null = null;
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'records') records.push(...message.exchanges);
      if (message.type === 'answer') answered?.();
    });
    let query = 0;
    const send = async (...messages: ToWorker[]): Promise<FinishedExchange> => {
      for (const message of messages) worker.postMessage(message);
      const done = new Promise<void>((resolve) => {
        answered = resolve;
      });
      worker.postMessage({ type: 'query', id: query++, query: 'idle' } satisfies ToWorker);
      await done;
      return records[records.length - 1] as FinishedExchange;
    };
    const events = (turn: number): ToWorker => packEvents(turnEvents(turn), new Set());
    const carried = (exchange: FinishedExchange) => (exchange.blocks ?? []).map((b) => b.hash);
    try {
      const first = await send({ type: 'blocks-for', session: 's1' }, events(1));
      // The system prompt and the first user message.
      expect(carried(first)).toHaveLength(2);
      const second = await send({ type: 'blocks-written', session: 's1', hashes: carried(first) }, events(2));
      // Only its two new messages: the re-sent ones are in the file.
      expect(carried(second)).toHaveLength(2);
      expect(carried(second).some((hash) => carried(first).includes(hash))).toBe(false);
      const written = [...carried(first), ...carried(second)];
      // A new session file: nothing is in it yet, and a late report about the previous file changes nothing.
      const third = await send(
        { type: 'blocks-written', session: 's1', hashes: carried(second) },
        { type: 'blocks-for', session: 's2' },
        { type: 'blocks-written', session: 's1', hashes: written },
        events(3),
      );
      expect(carried(third)).toHaveLength(6);
      const fourth = await send({ type: 'blocks-written', session: 's2', hashes: carried(third) }, events(4));
      expect(carried(fourth)).toHaveLength(2);
    } finally {
      await stopAnalysisWorker(worker);
    }
  });
});

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('a conversation across a new session', () => {
  it('reads back whole, every turn, in the session it was captured in', async () => {
    h = await startHarness();
    const { upstream, openai, service } = h;
    upstream.respond('POST /v1/chat/completions', (request) =>
      chatCompletionScript(request.seq, `Answer ${request.seq}`, 900),
    );
    const turn = async (n: number) => {
      const answer = await openai.chat.completions.create({ model: 'gpt-4o', messages: conversation(n) });
      expect(answer.choices[0]?.message.content).toMatch(/^Answer /);
    };
    // Each turn written before the next: the next then refers to the blocks it re-sends, not carrying them.
    for (let n = 1; n <= 3; n++) {
      await turn(n);
      await waitForStored(service, n);
    }
    const before = await waitForStored(service, 3);
    const firstSession = service.handlers;
    const previous = (await firstSession['sessions.list']()).find((s) => s.current)?.id as string;
    await service.handlers['sessions.create']();
    // The same conversation goes on: its history is in the previous file only.
    await turn(4);
    await turn(5);
    const after = await waitForStored(service, 2);
    const sent = upstream.requests.map((r) => r.body.toString());
    const bodies = async (ids: string[], session: string | null) =>
      Promise.all(
        ids.map(async (id) => (await service.handlers['exchanges.get'](id, session))?.request.body),
      );
    expect(
      await bodies(
        before.map((s) => s.id),
        previous,
      ),
    ).toEqual(sent.slice(0, 3));
    expect(
      await bodies(
        after.map((s) => s.id),
        null,
      ),
    ).toEqual(sent.slice(3));
  });
});
