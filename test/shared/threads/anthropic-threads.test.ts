import { describe, expect, it } from 'vitest';
import type { ToolCall } from '../../../shared/interpreters/merged-result.ts';
import { normaliseAnthropicUsage } from '../../../shared/usage/usage-normalise.ts';
import { ConversationRunner, type TestExchange } from './conversation-runner.ts';
import { recordedTurns } from './wire-conversations.ts';

const T0 = Date.parse('2026-07-01T10:00:00.000Z');
const MINUTE = 60_000;

function toolCallsOf(response: Record<string, unknown>): ToolCall[] {
  const content = (response.content ?? []) as { type: string; id?: string; name?: string; input?: unknown }[];
  return content
    .filter((b) => b.type === 'tool_use')
    .map((b) => ({ id: b.id ?? null, name: b.name ?? '', arguments: JSON.stringify(b.input ?? {}) }));
}

/** The recorded turns as exchanges, one minute apart. */
function exchanges(name: string, prefix: string): TestExchange[] {
  return recordedTurns(name).map(({ request, response }, i) => ({
    id: `${prefix}${i + 1}`,
    api: 'anthropic.messages',
    body: request,
    at: T0 + i * MINUTE,
    usage: normaliseAnthropicUsage(response.usage),
    toolCalls: toolCallsOf(response),
  }));
}

const bigSystem = `You are a careful coding agent. ${'Follow the repository conventions. '.repeat(400)}`;
const usage = (input: number, read: number, write: number, output = 50) =>
  normaliseAnthropicUsage({
    input_tokens: input,
    cache_read_input_tokens: read,
    cache_creation_input_tokens: write,
    output_tokens: output,
  });

describe('Anthropic Messages threads', () => {
  it('groups the recorded 3-turn tool loop into one thread whose turns append the echoed answer and the tool result', () => {
    const runner = new ConversationRunner();
    const turns = runner.run(
      ...exchanges('anthropic-messages-agent-tool-loop-3-turns.reserialized.jsonl', 'loop'),
    );
    expect(turns.map((t) => t.ref)).toMatchObject([
      {
        id: 'thr_000000000001',
        turn: 1,
        parentId: null,
        title: 'Use the registered tools and respond exactly as `Capital: <city>`.',
      },
      { id: 'thr_000000000001', turn: 2, parentId: null },
      { id: 'thr_000000000001', turn: 3, parentId: null },
    ]);
    const second = turns[1]?.delta;
    expect(second?.link).toBe('prefix');
    expect(second?.previousExchangeId).toBe('loop1');
    expect(second?.appended.map((a) => [a.at, a.kind])).toEqual([
      ['messages[1]', 'echoed-answer'],
      ['messages[2]', 'tool-result'],
    ]);
    expect(second?.changed).toEqual([]);
    // 628 input tokens, no cache_control: under Anthropic's minimum, which is named before anything else.
    expect(turns[0]?.cache).toMatchObject({
      verdict: 'miss',
      readTokens: 0,
      writeTokens: 0,
      reason: { kind: 'below-minimum', minimumTokens: 1024 },
    });
    // The context breakdown sums to the reported input tokens.
    const context = turns[2]?.context;
    const sum = Object.values(context?.parts ?? {}).reduce((s, n) => s + n, 0);
    expect(context?.scaledTo).toBe(sum);
    expect(context?.parts.toolResults).toBeGreaterThan(0);
    expect(context?.parts.tools).toBeGreaterThan(0);
    expect(context?.estimate).toBe(true);
  });

  it('sees the recorded breakpoint move as no change of content, and both turns as cache hits', () => {
    const runner = new ConversationRunner();
    const [first, second] = runner.run(
      ...exchanges('anthropic-messages-cache-breakpoint-moves-2-turns.reserialized.jsonl', 'bp'),
    );
    expect(second?.ref.id).toBe(first?.ref.id);
    expect(second?.delta.changed).toEqual([]);
    expect(second?.delta.appended.map((a) => a.kind)).toEqual(['echoed-answer', 'user']);
    expect(first?.cache).toMatchObject({
      verdict: 'hit',
      readTokens: 4332,
      writeTokens: 4513,
      write5mTokens: 4513,
      write1hTokens: 0,
    });
    expect(second?.cache).toMatchObject({
      verdict: 'hit',
      readTokens: 9134,
      writeTokens: 237,
      divergedAt: null,
      reason: null,
    });
    expect(second?.cache.hitRatio).toBeCloseTo(9134 / (9134 + 237 + 4), 5);
  });

  /** A Claude Code-like session: big system prompt, cache_control on the last user block, session id in metadata.user_id. */
  function session(
    system: string,
    messages: unknown[],
    extra: Record<string, unknown> = {},
  ): Record<string, unknown> {
    return {
      model: 'claude-sonnet-4-5',
      max_tokens: 4096,
      system: [{ type: 'text', text: system, cache_control: { type: 'ephemeral' } }],
      tools: [
        { name: 'Read', description: 'Read a file', input_schema: { type: 'object' } },
        { name: 'Task', description: 'Run a sub-agent', input_schema: { type: 'object' } },
      ],
      metadata: { user_id: 'user_abc_account_123_session_7f3c9a2e-1111-2222-3333-444455556666' },
      messages,
      ...extra,
    };
  }
  const user = (text: string, cache = false) => ({
    role: 'user',
    content: [{ type: 'text', text, ...(cache ? { cache_control: { type: 'ephemeral' } } : {}) }],
  });
  const assistantTool = (id: string, name: string, input: unknown) => ({
    role: 'assistant',
    content: [{ type: 'tool_use', id, name, input }],
  });
  const toolResult = (id: string, text: string) => ({
    role: 'user',
    content: [{ type: 'tool_result', tool_use_id: id, content: text, cache_control: { type: 'ephemeral' } }],
  });

  it('names a system prompt edit mid-thread as the place the prefix diverged, with both values side by side', () => {
    const runner = new ConversationRunner();
    const m1 = [user('Fix the failing test in parser.ts', true)];
    const m2 = [
      user('Fix the failing test in parser.ts'),
      assistantTool('t1', 'Read', { path: 'parser.ts' }),
      toolResult('t1', 'export function parse() {}'),
    ];
    const edited = bigSystem.replace('careful coding agent', 'careful coding agent (today is 2026-07-02)');
    const m3 = [
      ...m2,
      assistantTool('t2', 'Read', { path: 'parser.test.ts' }),
      toolResult('t2', 'test("parses", …)'),
    ];
    const [, , third] = runner.run(
      { id: 'a1', api: 'anthropic.messages', body: session(bigSystem, m1), at: T0, usage: usage(3, 0, 4000) },
      {
        id: 'a2',
        api: 'anthropic.messages',
        body: session(bigSystem, m2),
        at: T0 + MINUTE,
        usage: usage(3, 4000, 120),
      },
      // The tools (first in Anthropic's prefix) still hit; the edited system prompt and all after it are written again.
      {
        id: 'a3',
        api: 'anthropic.messages',
        body: session(edited, m3),
        at: T0 + 2 * MINUTE,
        usage: usage(3, 60, 4200),
      },
    );
    expect(third?.ref.turn).toBe(3);
    expect(third?.delta.changed).toEqual([
      {
        at: 'system[0]',
        change: 'changed',
        before: expect.stringContaining('careful coding agent. Follow'),
        after: expect.stringContaining('(today is 2026-07-02)'),
      },
    ]);
    expect(third?.cache).toMatchObject({
      verdict: 'partial',
      divergedAt: 'system[0]',
      reason: { kind: 'prefix-changed' },
    });
    expect(third?.cache.diverged?.before).not.toEqual(third?.cache.diverged?.after);
  });

  it('keeps a compacted session in its thread by the session id and says the history was replaced', () => {
    const runner = new ConversationRunner();
    const history = [
      user('Refactor the store'),
      assistantTool('t1', 'Read', { path: 'store.ts' }),
      toolResult('t1', 'x'.repeat(2000)),
    ];
    const compacted = [
      user(
        'This session is being continued from a previous conversation. Summary: the store was refactored.',
        true,
      ),
    ];
    const [, second] = runner.run(
      {
        id: 'c1',
        api: 'anthropic.messages',
        body: session(bigSystem, history),
        at: T0,
        usage: usage(3, 0, 5000),
      },
      {
        id: 'c2',
        api: 'anthropic.messages',
        body: session(bigSystem, compacted),
        at: T0 + MINUTE,
        usage: usage(3, 3900, 40),
      },
    );
    expect(second?.ref).toMatchObject({ id: 'thr_000000000001', turn: 2, parentId: null });
    expect(second?.delta).toMatchObject({ link: 'session-id', compacted: true });
    expect(second?.delta.changed.map((c) => [c.at, c.change])).toEqual([
      ['messages[0].content[0]', 'changed'],
      ['messages[1]', 'removed'],
      ['messages[2]', 'removed'],
    ]);
  });

  it('says a 6-minute pause outlived the 5-minute cache, and a 1-hour ttl did not', () => {
    const runner = new ConversationRunner();
    const m1 = [user('Explain the build', true)];
    const m2 = [
      user('Explain the build'),
      { role: 'assistant', content: [{ type: 'text', text: 'It uses Vite.' }] },
      user('And the tests?', true),
    ];
    const [, late] = runner.run(
      { id: 'p1', api: 'anthropic.messages', body: session(bigSystem, m1), at: T0, usage: usage(3, 0, 4000) },
      {
        id: 'p2',
        api: 'anthropic.messages',
        body: session(bigSystem, m2),
        at: T0 + 6 * MINUTE,
        usage: usage(3, 0, 4020),
      },
    );
    expect(late?.cache).toMatchObject({
      verdict: 'write',
      readTokens: 0,
      writeTokens: 4020,
      reason: { kind: 'expired', idleMs: 6 * MINUTE, ttlMs: 5 * MINUTE },
    });
    expect(late?.cache.reason?.message).toContain('6.0 min');

    const hour = new ConversationRunner();
    const ttl = (messages: unknown[]) => {
      const body = session(bigSystem, messages);
      body.system = [{ type: 'text', text: bigSystem, cache_control: { type: 'ephemeral', ttl: '1h' } }];
      return body;
    };
    const [, fresh] = hour.run(
      {
        id: 'h1',
        api: 'anthropic.messages',
        body: ttl(m1),
        at: T0,
        usage: normaliseAnthropicUsage({
          input_tokens: 3,
          cache_read_input_tokens: 0,
          cache_creation_input_tokens: 4000,
          cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 4000 },
          output_tokens: 9,
        }),
      },
      { id: 'h2', api: 'anthropic.messages', body: ttl(m2), at: T0 + 6 * MINUTE, usage: usage(3, 0, 4020) },
    );
    expect(fresh?.cache.ttlMs).toBe(60 * MINUTE);
    // Not expired, prefix unchanged: Tokentap does not guess.
    expect(fresh?.cache.reason?.kind).not.toBe('expired');
    expect(hour.turns.get('h1')?.cache).toMatchObject({ write1hTokens: 4000, write5mTokens: 0 });
  });

  it('names a model switch as the reason of a miss', () => {
    const runner = new ConversationRunner();
    const m1 = [user('Plan the migration', true)];
    const m2 = [
      user('Plan the migration'),
      { role: 'assistant', content: [{ type: 'text', text: 'Step 1 …' }] },
      user('Go on', true),
    ];
    const [, switched] = runner.run(
      { id: 'm1', api: 'anthropic.messages', body: session(bigSystem, m1), at: T0, usage: usage(3, 0, 4000) },
      {
        id: 'm2',
        api: 'anthropic.messages',
        body: { ...session(bigSystem, m2), model: 'claude-opus-4-1' },
        at: T0 + MINUTE,
        usage: usage(3, 0, 4030),
      },
    );
    expect(switched?.ref.turn).toBe(2);
    expect(switched?.delta.modelChanged).toEqual(['claude-sonnet-4-5', 'claude-opus-4-1']);
    expect(switched?.cache.reason).toMatchObject({
      kind: 'model-changed',
      previous: 'claude-sonnet-4-5',
      current: 'claude-opus-4-1',
    });
  });

  it('makes two parallel Task calls two sub-agents of the waiting thread, whatever order their turns arrive in', () => {
    const runner = new ConversationRunner();
    const promptA = 'Search the codebase for every caller of parseConfig and list them with file and line.';
    const promptB = 'Read docs/architecture.md and summarise the storage layer in five bullet points.';
    const main1 = [user('Audit the config handling', true)];
    const parentAnswer = {
      role: 'assistant',
      content: [
        {
          type: 'tool_use',
          id: 'ta',
          name: 'Task',
          input: { description: 'callers', prompt: promptA, subagent_type: 'general-purpose' },
        },
        {
          type: 'tool_use',
          id: 'tb',
          name: 'Task',
          input: { description: 'docs', prompt: promptB, subagent_type: 'general-purpose' },
        },
      ],
    };
    const sub = (prompt: string, more: unknown[] = []) => ({
      ...session('You are a sub-agent. Do the task and report.', [user(prompt), ...more]),
      tools: [{ name: 'Grep', description: 'Search', input_schema: { type: 'object' } }],
    });
    const toolCalls = toolCallsOf(parentAnswer);
    const parent: TestExchange = {
      id: 'main1',
      api: 'anthropic.messages',
      body: session(bigSystem, main1),
      at: T0,
      usage: usage(3, 0, 4000),
      toolCalls,
    };
    const a1: TestExchange = {
      id: 'a1',
      api: 'anthropic.messages',
      body: sub(promptA),
      at: T0 + 1000,
      usage: usage(900, 0, 0),
    };
    const b1: TestExchange = {
      id: 'b1',
      api: 'anthropic.messages',
      body: sub(promptB),
      at: T0 + 1001,
      usage: usage(900, 0, 0),
    };
    const b2: TestExchange = {
      id: 'b2',
      api: 'anthropic.messages',
      body: sub(promptB, [
        assistantTool('g1', 'Grep', { q: 'storage' }),
        toolResult('g1', 'docs/architecture.md:12'),
      ]),
      at: T0 + 2000,
      usage: usage(950, 0, 0),
    };
    const a2: TestExchange = {
      id: 'a2',
      api: 'anthropic.messages',
      body: sub(promptA, [assistantTool('g2', 'Grep', { q: 'parseConfig' }), toolResult('g2', 'src/a.ts:3')]),
      at: T0 + 2500,
      usage: usage(950, 0, 0),
    };
    const main2: TestExchange = {
      id: 'main2',
      api: 'anthropic.messages',
      body: session(bigSystem, [
        user('Audit the config handling'),
        parentAnswer,
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'ta', content: 'a.ts:3' },
            {
              type: 'tool_result',
              tool_use_id: 'tb',
              content: 'storage…',
              cache_control: { type: 'ephemeral' },
            },
          ],
        },
      ]),
      at: T0 + 3000,
      usage: usage(3, 4000, 80),
    };
    // Sub-agent B starts while the parent's answer is still streaming (Claude Code runs tools as their blocks complete);
    // A starts after it ended; their turns interleave; the parent resumes last.
    runner.begin(parent);
    runner.begin(b1);
    runner.end(parent);
    runner.begin(a1);
    runner.end(b1);
    runner.begin(b2);
    runner.end(a1);
    runner.begin(a2);
    runner.end(b2);
    runner.end(a2);
    runner.run(main2);
    const ref = (id: string) => runner.turns.get(id)?.ref;
    const parentId = ref('main1')?.id;
    expect(ref('a1')).toMatchObject({ turn: 1, parentId });
    expect(ref('b1')).toMatchObject({ turn: 1, parentId });
    expect(ref('a1')?.id).not.toBe(ref('b1')?.id);
    expect(ref('a2')).toMatchObject({ id: ref('a1')?.id, turn: 2, parentId });
    expect(ref('b2')).toMatchObject({ id: ref('b1')?.id, turn: 2, parentId });
    expect(ref('main2')).toMatchObject({ id: parentId, turn: 2, parentId: null });
    expect(ref('a1')?.title).toBe(`${promptA.slice(0, 79)}…`);
  });
});
