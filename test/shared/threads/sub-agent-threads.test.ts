/**
 * Sub-agents whose turns are recorded before their parent is known: each record is written when
 * its exchange ends, so a sub-agent that starts while its parent's answer still streams, and ends
 * first, has a record that cannot name its parent. The parent's turn names it instead.
 */
import { describe, expect, it } from 'vitest';
import type { ExchangeSummary } from '../../../shared/exchange/exchange-record.ts';
import { summarise } from '../../../shared/exchange/exchange-summary.ts';
import type { ToolCall } from '../../../shared/interpreters/merged-result.ts';
import { listThreads } from '../../../shared/threads/thread-list.ts';
import { normaliseAnthropicUsage } from '../../../shared/usage/usage-normalise.ts';
import { jsonRecord } from '../../support/sample-records.ts';
import { ConversationRunner, type TestExchange } from './conversation-runner.ts';

const T0 = Date.parse('2026-07-01T10:00:00.000Z');
const usage = normaliseAnthropicUsage({
  input_tokens: 900,
  cache_read_input_tokens: 0,
  cache_creation_input_tokens: 0,
  output_tokens: 20,
});
const PROMPT_A = 'Search the codebase for every caller of parseConfig and list them with file and line.';
const PROMPT_B = 'Read docs/architecture.md and summarise the storage layer in five bullet points.';
const task = (id: string, prompt: string): ToolCall => ({
  id,
  name: 'Task',
  arguments: JSON.stringify({ description: 'sub-task', prompt, subagent_type: 'general-purpose' }),
});
const user = (text: string) => ({ role: 'user', content: [{ type: 'text', text }] });
const main = (messages: unknown[]) => ({
  model: 'claude-sonnet-4-5',
  system: 'You are the main agent.',
  tools: [{ name: 'Task', input_schema: { type: 'object' } }],
  messages,
});
/** Claude Code's sub-agent request: a reminder block before the prompt. */
const sub = (prompt: string) => ({
  model: 'claude-haiku-4-5',
  system: 'You are a sub-agent.',
  messages: [
    {
      role: 'user',
      content: [
        { type: 'text', text: '<system-reminder>Today is 2026-07-01.</system-reminder>' },
        { type: 'text', text: prompt },
      ],
    },
  ],
});
const exchange = (id: string, body: Record<string, unknown>, at: number, toolCalls: ToolCall[] = []) =>
  ({ id, api: 'anthropic.messages', body, at, usage, toolCalls }) satisfies TestExchange;

/** Ends an exchange and keeps its summary as it would be written then (a record is not rewritten later). */
function ended(runner: ConversationRunner, e: TestExchange, written: ExchangeSummary[]): void {
  const { ref } = runner.end(e);
  written.push(
    summarise({
      ...jsonRecord(),
      id: e.id,
      startedAt: new Date(e.at).toISOString(),
      thread: structuredClone(ref),
    }),
  );
}

describe('one-turn sub-agents', () => {
  it('attaches a sub-agent that started and ended while its parent’s answer was still streaming', () => {
    const runner = new ConversationRunner();
    const written: ExchangeSummary[] = [];
    const parent = exchange('p1', main([user('Audit the config handling')]), T0, [task('ta', PROMPT_A)]);
    const child = exchange('a1', sub(PROMPT_A), T0 + 500);
    runner.begin(parent);
    runner.begin(child);
    ended(runner, child, written);
    ended(runner, parent, written);
    const threads = listThreads(written);
    const parentId = runner.turns.get('p1')?.ref.id;
    const childId = runner.turns.get('a1')?.ref.id;
    expect(threads.find((t) => t.id === childId)?.parentId).toBe(parentId);
    expect(threads.find((t) => t.id === parentId)?.childIds).toEqual([childId]);
  });

  it('attaches parallel sub-agents whichever ends first: one before its parent’s answer ends, one started after', () => {
    const runner = new ConversationRunner();
    const written: ExchangeSummary[] = [];
    const parent = exchange('p1', main([user('Audit the config handling')]), T0, [
      task('ta', PROMPT_A),
      task('tb', PROMPT_B),
    ]);
    const a = exchange('a1', sub(PROMPT_A), T0 + 500);
    const b = exchange('b1', sub(PROMPT_B), T0 + 2000);
    runner.begin(parent);
    runner.begin(a);
    ended(runner, a, written);
    ended(runner, parent, written);
    runner.begin(b);
    ended(runner, b, written);
    const parentId = runner.turns.get('p1')?.ref.id;
    const threads = listThreads(written);
    for (const id of ['a1', 'b1'])
      expect(threads.find((t) => t.id === runner.turns.get(id)?.ref.id)?.parentId).toBe(parentId);
    expect(threads.find((t) => t.id === parentId)?.childIds).toHaveLength(2);
  });

  it('attaches a background sub-agent that starts after its parent’s next turn', () => {
    const runner = new ConversationRunner();
    const written: ExchangeSummary[] = [];
    const call = {
      role: 'assistant',
      content: [{ type: 'tool_use', id: 'ta', name: 'Task', input: { prompt: PROMPT_A } }],
    };
    const p1 = exchange('p1', main([user('Audit the config handling')]), T0, [task('ta', PROMPT_A)]);
    const p2 = exchange(
      'p2',
      main([
        user('Audit the config handling'),
        call,
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: 'ta', content: 'started in background' }],
        },
      ]),
      T0 + 1000,
    );
    const a = exchange('a1', sub(PROMPT_A), T0 + 1500);
    for (const e of [p1, p2, a]) {
      runner.begin(e);
      ended(runner, e, written);
    }
    expect(runner.turns.get('p2')?.ref).toMatchObject({ id: runner.turns.get('p1')?.ref.id, turn: 2 });
    expect(runner.turns.get('a1')?.ref).toMatchObject({ turn: 1, parentId: runner.turns.get('p1')?.ref.id });
  });

  it('gives one tool call one sub-agent: a second conversation with the same first message is not its child', () => {
    const runner = new ConversationRunner();
    const p1 = exchange('p1', main([user('Audit the config handling')]), T0, [task('ta', PROMPT_A)]);
    runner.run(
      p1,
      exchange('a1', sub(PROMPT_A), T0 + 500),
      exchange('x1', { ...sub(PROMPT_A), system: 'Other.' }, T0 + 900),
    );
    expect(runner.turns.get('a1')?.ref.parentId).toBe(runner.turns.get('p1')?.ref.id);
    expect(runner.turns.get('x1')?.ref.parentId).toBeNull();
  });
});
