/**
 * Threads continued across a restart: a new tracker seeded from the previous session's summaries
 * (what its index holds: each turn's `thread` with its resume key) takes a request that goes on
 * with a conversation as that thread's next turn.
 */
import { describe, expect, it } from 'vitest';
import type { ExchangeSummary } from '../../../shared/exchange/exchange-record.ts';
import { summarise } from '../../../shared/exchange/exchange-summary.ts';
import { threadSeeds } from '../../../shared/threads/thread-seeds.ts';
import { normaliseAnthropicUsage, normaliseResponsesUsage } from '../../../shared/usage/usage-normalise.ts';
import { jsonRecord } from '../../support/sample-records.ts';
import { ConversationRunner, type TestExchange } from './conversation-runner.ts';

const T0 = Date.parse('2026-07-01T10:00:00.000Z');
const MINUTE = 60_000;
const SYSTEM = `You are a careful coding agent. ${'Follow the repository conventions. '.repeat(300)}`;
const usage = (read: number, write: number) =>
  normaliseAnthropicUsage({
    input_tokens: 5,
    cache_read_input_tokens: read,
    cache_creation_input_tokens: write,
    output_tokens: 40,
  });
const text = (role: string, t: string, cache = false) => ({
  role,
  content: [{ type: 'text', text: t, ...(cache ? { cache_control: { type: 'ephemeral' } } : {}) }],
});
const body = (messages: unknown[], system = SYSTEM) => ({
  model: 'claude-sonnet-4-5',
  max_tokens: 1000,
  system: [{ type: 'text', text: system, cache_control: { type: 'ephemeral' } }],
  tools: [{ name: 'Read', description: 'Read a file', input_schema: { type: 'object' } }],
  messages,
});
const m1 = [text('user', 'Explain the build', true)];
const m2 = [
  text('user', 'Explain the build'),
  text('assistant', 'It uses Vite.'),
  text('user', 'And the tests?', true),
];
const m3 = [
  ...m2.slice(0, 2),
  text('user', 'And the tests?'),
  text('assistant', 'Vitest.'),
  text('user', 'Run them.', true),
];

/** Runs exchanges through a tracker and returns the summaries a session index would hold. */
function session(runner: ConversationRunner, ...exchanges: TestExchange[]): ExchangeSummary[] {
  return runner.run(...exchanges).map((turn, i) => {
    const e = exchanges[i] as TestExchange;
    return summarise({
      ...jsonRecord(),
      id: e.id,
      api: e.api,
      model: String(e.body.model),
      startedAt: new Date(e.at).toISOString(),
      usage: e.usage,
      thread: structuredClone(turn.ref),
    });
  });
}

describe('threads continued after a restart', () => {
  const previousSession = (runner = new ConversationRunner()) =>
    session(
      runner,
      { id: 's1', api: 'anthropic.messages', body: body(m1), at: T0, usage: usage(0, 4000) },
      { id: 's2', api: 'anthropic.messages', body: body(m2), at: T0 + MINUTE, usage: usage(4000, 30) },
    );

  it('takes the next request of a conversation from the previous session as its thread’s next turn', () => {
    const summaries = previousSession();
    const after = new ConversationRunner();
    after.tracker.seed(threadSeeds(summaries));
    const [next] = after.run({
      id: 'n1',
      api: 'anthropic.messages',
      body: body(m3),
      at: T0 + 2 * MINUTE,
      usage: usage(4030, 20),
    });
    expect(next?.ref).toEqual({
      id: summaries[0]?.thread?.id,
      turn: 3,
      parentId: null,
      // The thread's first turn in this session carries its title (its turn 1 is in the previous one).
      title: 'Explain the build',
      resume: expect.objectContaining({ messages: 5 }),
    });
    expect(next?.delta).toMatchObject({
      previousExchangeId: 's2',
      link: 'prefix',
      changed: [],
      compacted: false,
      modelChanged: null,
      sincePreviousMs: MINUTE,
    });
    expect(next?.delta.appended.map((a) => [a.at, a.kind])).toEqual([
      ['messages[3]', 'echoed-answer'],
      ['messages[4]', 'user'],
    ]);
    expect(next?.cache).toMatchObject({ verdict: 'hit', divergedAt: null, reason: null });
  });

  it('names a system prompt edited across the restart as where the prefix diverged (its old text is not known)', () => {
    const after = new ConversationRunner();
    after.tracker.seed(threadSeeds(previousSession()));
    const [next] = after.run({
      id: 'n1',
      api: 'anthropic.messages',
      body: body(m3, SYSTEM.replace('careful', 'careful (v2)')),
      at: T0 + 2 * MINUTE,
      usage: usage(0, 4100),
    });
    expect(next?.ref.turn).toBe(3);
    expect(next?.delta.changed).toEqual([
      { at: 'system[0]', change: 'changed', before: null, after: expect.stringContaining('careful (v2)') },
    ]);
    expect(next?.cache).toMatchObject({
      verdict: 'write',
      divergedAt: 'system[0]',
      reason: { kind: 'prefix-changed' },
    });
  });

  it('continues a Responses conversation by previous_response_id, and counts a 6-minute pause from the previous turn', () => {
    const input = (t: string) => [
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: t }] },
    ];
    const r = (n: number) =>
      normaliseResponsesUsage({
        input_tokens: 1500 + n,
        input_tokens_details: { cached_tokens: n === 1 ? 0 : 1408 },
        output_tokens: 5,
        total_tokens: 1505 + n,
      });
    const summaries = session(new ConversationRunner(), {
      id: 'r1',
      api: 'openai.responses',
      body: { model: 'gpt-5.5', instructions: SYSTEM, input: input('Name a prime.') },
      at: T0,
      usage: r(1),
      responseIds: ['resp_before_restart'],
    });
    const after = new ConversationRunner();
    after.tracker.seed(threadSeeds(summaries));
    const [next] = after.run({
      id: 'r2',
      api: 'openai.responses',
      body: { model: 'gpt-5.5', previous_response_id: 'resp_before_restart', input: input('Another.') },
      at: T0 + 6 * MINUTE,
      usage: r(2),
    });
    expect(next?.ref).toMatchObject({ id: summaries[0]?.thread?.id, turn: 2, title: 'Name a prime.' });
    expect(next?.delta).toMatchObject({ link: 'previous-response-id', sincePreviousMs: 6 * MINUTE });
  });

  it('seeds the latest turn of each thread, the most recently active kept within the limit, and skips damaged keys', () => {
    const summaries = previousSession();
    const damaged = structuredClone(summaries[1] as ExchangeSummary);
    if (damaged.thread?.resume) damaged.thread.resume.key = 'not-a-key';
    expect(threadSeeds([summaries[0] as ExchangeSummary, damaged]).map((s) => s.turn)).toEqual([1]);
    expect(threadSeeds(summaries).map((s) => [s.turn, s.exchangeId])).toEqual([[2, 's2']]);
    expect(threadSeeds(summaries, 0)).toEqual([]);
  });
});
