import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HeaderMap } from '../../../shared/exchange/capture-events.ts';
import type { ExchangeRecord } from '../../../shared/exchange/exchange-record.ts';
import { normaliseGeminiUsage } from '../../../shared/interpreters/gemini-usage.ts';
import { normaliseRequest } from '../../../shared/threads/normalise-request.ts';
import { threadOfRecord } from '../../../shared/threads/rebuild-threads.ts';
import { ThreadTracker } from '../../../shared/threads/thread-tracker.ts';
import { normaliseChatUsage, normaliseResponsesUsage } from '../../../shared/usage/usage-normalise.ts';
import { readFixtureText } from '../../support/fixtures.ts';
import { recordOf } from '../../support/sample-records.ts';
import { ConversationRunner } from './conversation-runner.ts';

const T0 = Date.parse('2026-05-28T09:00:00.000Z');
const MINUTE = 60_000;
const bytes = (text: string) => new TextEncoder().encode(text);

/** A WebSocket exchange on /v1/responses made by the real analyzers from frames. */
function websocketExchange(
  id: string,
  seq: number,
  startedAt: number,
  frames: { from: 'client' | 'server'; t: number; text: string }[],
  headers: HeaderMap = {},
): ExchangeRecord {
  return recordOf({
    id,
    seq,
    startedAt: new Date(startedAt).toISOString(),
    method: 'GET',
    path: '/v1/responses',
    headers: { upgrade: 'websocket', ...headers },
    steps: [
      { type: 'request-end', t: 0.1 },
      { type: 'response-head', t: 1, status: 101, headers: { upgrade: 'websocket' } },
      ...frames.map((f) => ({
        type: 'websocket-message' as const,
        t: f.t,
        from: f.from,
        binary: false,
        data: bytes(f.text),
      })),
      { type: 'websocket-close', t: 5000, code: 1000, reason: '', by: 'client' as const },
      { type: 'response-end', t: 5000 },
    ],
  });
}

describe('Responses API over WebSocket (Codex)', () => {
  const recorded = readFileSync(
    join(
      import.meta.dirname,
      '..',
      '..',
      'fixtures',
      'wire',
      'openai-responses-ws-codex-warmup-then-turn.frames.ndjson',
    ),
    'utf8',
  )
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { ts: number; dir: 'c2u' | 'u2c'; text: string });

  it('reads the recorded session as one turn (the warm-up is not a turn) and links the next connection by previous_response_id', () => {
    const first = websocketExchange(
      'ws1',
      1,
      T0,
      recorded.map((f) => ({ from: f.dir === 'c2u' ? 'client' : 'server', t: f.ts, text: f.text })),
    );
    const created = JSON.parse(
      recorded.filter((f) => f.text.includes('"response.completed"')).at(-1)?.text ?? '{}',
    ) as { response: { id: string } };
    const turnCreate = JSON.parse(recorded[4]?.text ?? '{}') as Record<string, unknown>;
    const next = {
      type: 'response.create',
      model: 'gpt-5.5',
      instructions: turnCreate.instructions,
      tools: turnCreate.tools,
      prompt_cache_key: turnCreate.prompt_cache_key,
      previous_response_id: created.response.id,
      input: [
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'now run the tests' }] },
      ],
    };
    const completed = {
      type: 'response.completed',
      response: {
        id: 'resp_second_turn',
        output: [{ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'ok' }] }],
        usage: {
          input_tokens: 16_400,
          input_tokens_details: { cached_tokens: 16_256 },
          output_tokens: 3,
          total_tokens: 16_403,
        },
      },
    };
    const second = websocketExchange('ws2', 2, T0 + MINUTE, [
      { from: 'client', t: 5, text: JSON.stringify(next) },
      { from: 'server', t: 900, text: JSON.stringify(completed) },
    ]);

    const tracker = new ThreadTracker();
    const one = threadOfRecord(tracker, first);
    const two = threadOfRecord(tracker, second);
    expect(one.thread).toMatchObject({ turn: 1, parentId: null });
    expect(one.thread?.title).toBe('say hi (one short sentence, no tools)');
    // The recorded turn: 16281 input, 3456 cached; the warm-up's 9507 tokens are not this turn's.
    expect(one.cache).toMatchObject({ readTokens: 3456, inputTokens: 16_281, verdict: 'hit' });
    expect(one.context?.parts.tools).toBeGreaterThan(0);
    expect(one.context?.parts.system).toBeGreaterThan(0);
    expect(two.thread).toMatchObject({ id: one.thread?.id, turn: 2 });
    expect(two.delta).toMatchObject({
      link: 'previous-response-id',
      changed: [],
      appended: [{ at: 'input[0]', kind: 'user' }],
    });
    expect(two.cache).toMatchObject({ verdict: 'hit', readTokens: 16_256 });
    // The live analyzer puts the same on the record.
    expect(first.thread).toMatchObject({ turn: 1 });
    expect(first.cache?.readTokens).toBe(3456);
  });
});

describe('Gemini generateContent', () => {
  const system = {
    parts: [{ text: `You are a weather assistant. ${'Answer with the forecast only. '.repeat(60)}` }],
  };
  const q1 = { role: 'user', parts: [{ text: 'What is the weather in Boston on 2026-02-02?' }] };
  const a1 = {
    role: 'model',
    parts: [{ functionCall: { name: 'weather_server_get_weather', args: { location: 'Boston' } } }],
  };
  const r1 = {
    role: 'user',
    parts: [{ functionResponse: { name: 'weather_server_get_weather', response: { forecast: 'snow' } } }],
  };

  it('groups turns by prefix and reads the recorded implicit cache hit (cachedContentTokenCount) as a hit', () => {
    const events = readFixtureText(
      'gemini-stream-generate-content-server-mcp-implicit-cache.reserialized.jsonl',
    )
      .trim()
      .split('\n');
    const lastUsage = (JSON.parse(events.at(-1) ?? '{}') as { usageMetadata: unknown }).usageMetadata;
    const runner = new ConversationRunner();
    const [first, second] = runner.run(
      {
        id: 'g1',
        api: 'gemini.generate',
        body: { model: 'gemini-2.5-flash', systemInstruction: system, contents: [q1] },
        at: T0,
        usage: normaliseGeminiUsage({
          promptTokenCount: 950,
          candidatesTokenCount: 10,
          totalTokenCount: 960,
        }),
      },
      {
        id: 'g2',
        api: 'gemini.generate',
        body: { model: 'gemini-2.5-flash', systemInstruction: system, contents: [q1, a1, r1] },
        at: T0 + MINUTE,
        usage: normaliseGeminiUsage(lastUsage),
      },
    );
    // No cachedContentTokenCount at all means nothing was cached (Gemini leaves it out).
    expect(first?.cache).toMatchObject({ verdict: 'miss', readTokens: 0, reason: { kind: 'below-minimum' } });
    expect(second?.ref).toMatchObject({ id: first?.ref.id, turn: 2 });
    expect(second?.delta.appended.map((a) => [a.at, a.kind])).toEqual([
      ['contents[1]', 'echoed-answer'],
      ['contents[2]', 'tool-result'],
    ]);
    expect(second?.cache).toMatchObject({ verdict: 'hit', readTokens: 901 });
  });

  it('names an edited systemInstruction as where the prefix diverged', () => {
    const runner = new ConversationRunner();
    const edited = {
      parts: [
        {
          text: (system.parts[0]?.text ?? '').replace(
            'weather assistant',
            'weather assistant for New England',
          ),
        },
      ],
    };
    const [, second] = runner.run(
      {
        id: 'g1',
        api: 'gemini.generate',
        body: { systemInstruction: system, contents: [q1] },
        at: T0,
        usage: normaliseGeminiUsage({
          promptTokenCount: 1500,
          candidatesTokenCount: 10,
          totalTokenCount: 1510,
        }),
      },
      {
        id: 'g2',
        api: 'gemini.generate',
        body: { systemInstruction: edited, contents: [q1, a1, r1] },
        at: T0 + MINUTE,
        usage: normaliseGeminiUsage({
          promptTokenCount: 1550,
          candidatesTokenCount: 10,
          totalTokenCount: 1560,
        }),
      },
    );
    expect(second?.cache).toMatchObject({
      verdict: 'miss',
      divergedAt: 'systemInstruction.parts[0]',
      reason: { kind: 'prefix-changed' },
    });
    expect(second?.cache.diverged?.after).toContain('for New England');
    expect(second?.cache.diverged?.before).not.toContain('for New England');
  });
});

describe('OpenAI chat completions', () => {
  const system = { role: 'system', content: `You are a helpful agent. ${'Be precise. '.repeat(500)}` };
  const u1 = { role: 'user', content: 'Summarise README.md' };
  const a1 = {
    role: 'assistant',
    content: null,
    tool_calls: [
      { id: 'c1', type: 'function', function: { name: 'read', arguments: '{"path":"README.md"}' } },
    ],
  };
  const r1 = { role: 'tool', tool_call_id: 'c1', content: `# Tokentap\n${'An inspector. '.repeat(3000)}` };
  const a2 = { role: 'assistant', content: 'It is an inspector for LLM traffic.' };
  const u2 = { role: 'user', content: 'Shorter please' };
  const usage = (prompt: number, cached: number) =>
    normaliseChatUsage({
      prompt_tokens: prompt,
      completion_tokens: 20,
      total_tokens: prompt + 20,
      prompt_tokens_details: { cached_tokens: cached },
    });

  it('names the largest item of the context (the re-sent tool result) and splits the input by part', () => {
    const runner = new ConversationRunner();
    const [, second] = runner.run(
      {
        id: 'o1',
        api: 'openai.chat',
        body: { model: 'gpt-4.1', messages: [system, u1] },
        at: T0,
        usage: usage(1400, 0),
      },
      {
        id: 'o2',
        api: 'openai.chat',
        body: { model: 'gpt-4.1', messages: [system, u1, a1, r1] },
        at: T0 + MINUTE,
        usage: usage(12_000, 1280),
      },
    );
    expect(second?.context.largest[0]).toMatchObject({ at: 'messages[3].content', part: 'toolResults' });
    expect(second?.context.parts.toolResults).toBeGreaterThan(second?.context.parts.system ?? Infinity);
    expect(Object.values(second?.context.parts ?? {}).reduce((s, n) => s + n, 0)).toBe(12_000);
    expect(second?.cache).toMatchObject({ verdict: 'hit', hitRatio: 1280 / 12_000 });
  });

  it('tells a 6-minute pause, a system prompt edit and a model switch apart, and says when it does not know', () => {
    const runner = new ConversationRunner();
    const edited = { role: 'system', content: system.content.replace('helpful agent', 'helpful agent (v2)') };
    const [, paused, editedTurn, switched, unexplained] = runner.run(
      {
        id: 'o1',
        api: 'openai.chat',
        body: { model: 'gpt-4.1', messages: [system, u1] },
        at: T0,
        usage: usage(1400, 0),
      },
      {
        id: 'o2',
        api: 'openai.chat',
        body: { model: 'gpt-4.1', messages: [system, u1, a1, r1] },
        at: T0 + 6 * MINUTE,
        usage: usage(12_000, 0),
      },
      {
        id: 'o3',
        api: 'openai.chat',
        body: { model: 'gpt-4.1', messages: [edited, u1, a1, r1, a2] },
        at: T0 + 7 * MINUTE,
        usage: usage(12_050, 0),
      },
      {
        id: 'o4',
        api: 'openai.chat',
        body: { model: 'gpt-4.1-mini', messages: [edited, u1, a1, r1, a2, u2] },
        at: T0 + 8 * MINUTE,
        usage: usage(12_080, 0),
      },
      {
        id: 'o5',
        api: 'openai.chat',
        body: { model: 'gpt-4.1-mini', messages: [edited, u1, a1, r1, a2, u2, a2, u2] },
        at: T0 + 9 * MINUTE,
        usage: usage(12_120, 2048),
      },
    );
    // OpenAI clears an unused in-memory cache "typically within 5 to 10 minutes": perhaps, not surely, expired.
    expect(paused?.cache.reason).toMatchObject({
      kind: 'maybe-expired',
      idleMs: 6 * MINUTE,
      mayExpireMs: 5 * MINUTE,
    });
    expect(editedTurn?.ref.turn).toBe(3);
    expect(editedTurn?.delta.changed.map((c) => c.at)).toEqual(['messages[0].content']);
    expect(editedTurn?.cache).toMatchObject({
      verdict: 'miss',
      divergedAt: 'messages[0].content',
      reason: { kind: 'prefix-changed' },
    });
    expect(editedTurn?.cache.diverged).toEqual({
      before: expect.stringContaining('helpful agent. Be'),
      after: expect.stringContaining('helpful agent (v2)'),
    });
    expect(switched?.cache.reason).toMatchObject({
      kind: 'model-changed',
      previous: 'gpt-4.1',
      current: 'gpt-4.1-mini',
    });
    // Same model, same prefix, a minute later, yet only 2048 of ~12,000 cached: Tokentap does not guess.
    expect(unexplained?.cache).toMatchObject({
      verdict: 'partial',
      divergedAt: null,
      reason: { kind: 'unknown' },
    });
  });

  it('treats a repeated identical request as a new thread, not as the next turn', () => {
    const runner = new ConversationRunner();
    const [a, b] = runner.run(
      {
        id: 'x1',
        api: 'openai.chat',
        body: { model: 'gpt-4.1', messages: [u1] },
        at: T0,
        usage: usage(10, 0),
      },
      {
        id: 'x2',
        api: 'openai.chat',
        body: { model: 'gpt-4.1', messages: [u1] },
        at: T0 + 1000,
        usage: usage(10, 0),
      },
    );
    expect(a?.ref.id).not.toBe(b?.ref.id);
  });

  it('makes a retry of a request that got no answer (a 429) the next turn of its thread, so the turn after it joins the same thread', () => {
    const runner = new ConversationRunner();
    const [ok, failed, retried, next] = runner.run(
      {
        id: 'y1',
        api: 'openai.chat',
        body: { model: 'gpt-4.1', messages: [u1] },
        at: T0,
        usage: usage(10, 0),
      },
      {
        id: 'y2',
        api: 'openai.chat',
        body: { model: 'gpt-4.1', messages: [u1, a2, u2] },
        at: T0 + 1000,
        usage: null,
      },
      {
        id: 'y3',
        api: 'openai.chat',
        body: { model: 'gpt-4.1', messages: [u1, a2, u2] },
        at: T0 + 3000,
        usage: usage(30, 0),
      },
      {
        id: 'y4',
        api: 'openai.chat',
        body: { model: 'gpt-4.1', messages: [u1, a2, u2, a2, u2] },
        at: T0 + 5000,
        usage: usage(50, 0),
      },
    );
    expect([failed, retried, next].map((t) => [t?.ref.id, t?.ref.turn])).toEqual([
      [ok?.ref.id, 2],
      [ok?.ref.id, 3],
      [ok?.ref.id, 4],
    ]);
    expect(retried?.delta).toMatchObject({ appended: [], changed: [] });
  });
});

describe('OpenAI Responses over HTTP', () => {
  it('links by previous_response_id and by conversation', () => {
    const runner = new ConversationRunner();
    const u = (text: string) => [{ role: 'user', content: text }];
    const [r1, r2, c1, c2] = runner.run(
      {
        id: 'r1',
        api: 'openai.responses',
        body: { model: 'gpt-4.1', input: u('hello') },
        at: T0,
        usage: normaliseResponsesUsage({ input_tokens: 8, output_tokens: 2 }),
        responseIds: ['resp_1'],
      },
      {
        id: 'r2',
        api: 'openai.responses',
        body: { model: 'gpt-4.1', previous_response_id: 'resp_1', input: u('again') },
        at: T0 + 1,
        usage: null,
        responseIds: ['resp_2'],
      },
      {
        id: 'c1',
        api: 'openai.responses',
        body: { model: 'gpt-4.1', conversation: 'conv_9', input: u('first') },
        at: T0 + 2,
        usage: null,
      },
      {
        id: 'c2',
        api: 'openai.responses',
        body: { model: 'gpt-4.1', conversation: { id: 'conv_9' }, input: u('second') },
        at: T0 + 3,
        usage: null,
      },
    );
    expect(r2?.ref).toMatchObject({ id: r1?.ref.id, turn: 2, parentId: null });
    expect(r2?.cache.verdict).toBe('none');
    expect(c2?.ref).toMatchObject({ id: c1?.ref.id, turn: 2 });
    expect(c2?.delta.link).toBe('conversation');
  });
});

describe('bounded state', () => {
  it('remembers at most maxThreads threads and keeps block text within its budget, whatever the bodies weigh', () => {
    const tracker = new ThreadTracker({ maxThreads: 50, textBudgetChars: 200_000 });
    const runner = new ConversationRunner();
    for (let i = 0; i < 400; i++) {
      const body = {
        model: 'gpt-4.1',
        messages: [{ role: 'user', content: `task ${i} ${'x'.repeat(20_000)}` }],
      };
      const request = runner.tracker === tracker ? null : { ...body };
      const begun = tracker.begin(`e${i}`, 'openai.chat', T0 + i, normaliseRequestFor(request ?? body));
      tracker.end(begun, { usage: null, responseIds: [], toolCalls: [] });
    }
    expect(tracker.size).toBe(50);
    expect(tracker.store.chars).toBeLessThanOrEqual(200_000);
  });
});

function normaliseRequestFor(body: Record<string, unknown>) {
  const request = normaliseRequest('openai.chat', body, {}, 'gpt-4.1');
  if (!request) throw new Error('not a conversation');
  return request;
}
