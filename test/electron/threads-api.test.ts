/**
 * Threads end to end: the official SDKs (`openai` chat and Responses, `@anthropic-ai/sdk`,
 * `@google/genai`) hold multi-turn conversations through the real proxy against local upstreams;
 * `GET /api/threads` lists them and `GET /api/threads/<id>` gives each turn's delta, cache
 * verdict and context breakdown, also after a new session has started (read back from disk).
 */
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ThreadDetail, ThreadListItem } from '../../shared/threads/thread-types.ts';
import { type FakeUpstream, type RecordedRequest, startFakeUpstream } from '../support/fake-upstream.ts';
import { createGate } from '../support/gate.ts';
import { type HeadlessHarness, startHeadlessHarness } from '../support/headless-harness.ts';
import { TEST_API_KEY } from '../support/tokentap-harness.ts';

const SYSTEM = `You are a coding agent working in a TypeScript repository. ${'Keep changes small and tested. '.repeat(200)}`;
const JSON_HEADERS = { 'content-type': 'application/json' };
const tokensOf = (request: RecordedRequest) => Math.ceil(request.body.length / 4);

/** An OpenAI chat upstream that asks for one tool call, then answers; it caches the previous prompt in 128-token steps. */
function chatResponder(): (request: RecordedRequest) => { body: string; headers: typeof JSON_HEADERS } {
  let previousPrompt = 0;
  return (request) => {
    const body = request.json() as { messages: { role: string }[] };
    const prompt = tokensOf(request);
    const cached = previousPrompt >= 1024 ? Math.floor(previousPrompt / 128) * 128 : 0;
    previousPrompt = prompt;
    const hasResult = body.messages.some((m) => m.role === 'tool');
    const message = hasResult
      ? { role: 'assistant', content: 'The test passes now.' }
      : {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'read_file', arguments: '{"path":"src/parser.ts"}' },
            },
          ],
        };
    return {
      headers: JSON_HEADERS,
      body: JSON.stringify({
        id: `chatcmpl-${request.seq}`,
        object: 'chat.completion',
        created: 1_780_000_000,
        model: 'gpt-4.1-2025-04-14',
        choices: [{ index: 0, message, finish_reason: hasResult ? 'stop' : 'tool_calls' }],
        usage: {
          prompt_tokens: prompt,
          completion_tokens: 12,
          total_tokens: prompt + 12,
          prompt_tokens_details: { cached_tokens: cached },
        },
      }),
    };
  };
}

function responsesAnswer(request: RecordedRequest) {
  const id = `resp_${String(request.seq).padStart(4, '0')}`;
  const prompt = tokensOf(request);
  return {
    headers: JSON_HEADERS,
    body: JSON.stringify({
      id,
      object: 'response',
      created_at: 1_780_000_000,
      status: 'completed',
      model: 'gpt-4.1-2025-04-14',
      output: [
        {
          type: 'message',
          id: `msg_${request.seq}`,
          role: 'assistant',
          status: 'completed',
          content: [{ type: 'output_text', text: 'Done.', annotations: [] }],
        },
      ],
      usage: {
        input_tokens: prompt,
        output_tokens: 2,
        total_tokens: prompt + 2,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens_details: { reasoning_tokens: 0 },
      },
    }),
  };
}

const SUB_PROMPT = 'List every caller of parseConfig in src/ with its file and line number.';

/** An Anthropic upstream: the main agent's first turn delegates to a sub-agent (a Task tool call), the rest answer in text. */
function anthropicResponder(request: RecordedRequest) {
  const body = request.json() as { system?: unknown; messages: unknown[]; model: string };
  const main = JSON.stringify(body.system ?? '').includes('coding agent');
  const delegate = main && body.messages.length === 1;
  const content = delegate
    ? [
        {
          type: 'tool_use',
          id: 'toolu_task1',
          name: 'Task',
          input: { description: 'find callers', prompt: SUB_PROMPT, subagent_type: 'general-purpose' },
        },
      ]
    : [{ type: 'text', text: main ? 'All callers are fixed.' : 'src/a.ts:3, src/b.ts:9' }];
  const prompt = tokensOf(request);
  const turn = body.messages.length;
  return {
    headers: JSON_HEADERS,
    body: JSON.stringify({
      id: `msg_${request.seq}`,
      type: 'message',
      role: 'assistant',
      model: body.model,
      content,
      stop_reason: delegate ? 'tool_use' : 'end_turn',
      stop_sequence: null,
      usage: {
        input_tokens: 5,
        cache_read_input_tokens: main && turn > 1 ? prompt - 200 : 0,
        cache_creation_input_tokens: main ? (turn > 1 ? 195 : prompt - 5) : 0,
        output_tokens: 20,
      },
    }),
  };
}

function geminiResponder(request: RecordedRequest) {
  const body = request.json() as { contents: unknown[] };
  const prompt = tokensOf(request);
  return {
    headers: { 'content-type': 'application/json; charset=UTF-8' },
    body: JSON.stringify({
      candidates: [
        {
          content: { role: 'model', parts: [{ text: body.contents.length > 1 ? 'Two.' : 'One.' }] },
          finishReason: 'STOP',
          index: 0,
        },
      ],
      usageMetadata: {
        promptTokenCount: prompt,
        candidatesTokenCount: 2,
        totalTokenCount: prompt + 2,
        ...(body.contents.length > 1 ? { cachedContentTokenCount: 1100 } : {}),
      },
      modelVersion: 'gemini-2.5-flash',
    }),
  };
}

describe('threads through the real proxy with the official SDKs', () => {
  let h: HeadlessHarness;
  let anthropicUp: FakeUpstream;
  let geminiUp: FakeUpstream;
  let proxyUrl: string;
  /** The first test's session and threads, for the import test. */
  let saved: { session: string; threads: ThreadListItem[] } | null = null;

  beforeAll(async () => {
    anthropicUp = await startFakeUpstream();
    geminiUp = await startFakeUpstream();
    h = await startHeadlessHarness(
      undefined,
      {},
      { TOKENTAP_ROUTES: `anthropic=${anthropicUp.url},gemini=${geminiUp.url}` },
    );
    proxyUrl = h.service.proxy?.url as string;
    h.upstream.respond('POST /v1/chat/completions', chatResponder());
    h.upstream.respond('POST /v1/responses', responsesAnswer);
    anthropicUp.respond('POST /v1/messages', anthropicResponder);
    geminiUp.respond('*', geminiResponder);
  });
  afterAll(async () => {
    await h?.close();
    await anthropicUp?.close();
    await geminiUp?.close();
  });

  async function getJson<T>(path: string): Promise<T> {
    const res = await h.api(path);
    expect(res.status, path).toBe(200);
    return (await res.json()) as T;
  }

  async function chatConversation(openai: OpenAI): Promise<void> {
    const messages: OpenAI.ChatCompletionMessageParam[] = [
      { role: 'system', content: SYSTEM },
      { role: 'user', content: 'Fix the failing parser test' },
    ];
    const first = await openai.chat.completions.create({
      model: 'gpt-4.1',
      messages,
      tools: [{ type: 'function', function: { name: 'read_file', parameters: { type: 'object' } } }],
    });
    const answer = first.choices[0]?.message;
    if (!answer) throw new Error('no answer');
    messages.push(answer as OpenAI.ChatCompletionMessageParam, {
      role: 'tool',
      tool_call_id: 'call_1',
      content: 'export function parse() { return null; }',
    });
    await openai.chat.completions.create({
      model: 'gpt-4.1',
      messages,
      tools: [{ type: 'function', function: { name: 'read_file', parameters: { type: 'object' } } }],
    });
  }

  it('lists one thread per conversation across providers, with sub-agents, deltas and cache verdicts', async () => {
    await chatConversation(h.openai);

    const first = await h.openai.responses.create({
      model: 'gpt-4.1',
      instructions: 'Be brief.',
      input: 'Name a prime.',
    });
    await h.openai.responses.create({
      model: 'gpt-4.1',
      previous_response_id: first.id,
      input: [{ role: 'user', content: 'Another one.' }],
    });

    const anthropic = new Anthropic({
      apiKey: TEST_API_KEY,
      baseURL: `${proxyUrl}/anthropic`,
      maxRetries: 0,
    });
    const mainSystem = [
      { type: 'text' as const, text: SYSTEM, cache_control: { type: 'ephemeral' as const } },
    ];
    const tools = [
      { name: 'Task', description: 'Run a sub-agent', input_schema: { type: 'object' as const } },
    ];
    const mainFirst: Anthropic.MessageParam = {
      role: 'user',
      content: 'Rename parseConfig to loadConfig everywhere',
    };
    const delegated = await anthropic.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 1024,
      system: mainSystem,
      tools,
      messages: [mainFirst],
    });
    const sub = await anthropic.messages.create({
      model: 'claude-haiku-4-5',
      max_tokens: 1024,
      system: 'You are a search sub-agent.',
      messages: [{ role: 'user', content: SUB_PROMPT }],
    });
    const subText = sub.content[0]?.type === 'text' ? sub.content[0].text : '';
    await anthropic.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 1024,
      system: mainSystem,
      tools,
      messages: [
        mainFirst,
        { role: 'assistant', content: delegated.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_task1', content: subText }] },
      ],
    });

    const ai = new GoogleGenAI({
      apiKey: 'AIzaSyTokentapTESTgeminiKEY0123456789-wxyz',
      httpOptions: { baseUrl: `${proxyUrl}/gemini` },
    });
    const q1 = { role: 'user', parts: [{ text: `${SYSTEM} Count to one.` }] };
    await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: [q1] });
    await ai.models.generateContent({
      model: 'gemini-2.5-flash',
      contents: [
        q1,
        { role: 'model', parts: [{ text: 'One.' }] },
        { role: 'user', parts: [{ text: 'Now two.' }] },
      ],
    });

    const threads = await vi.waitFor(
      async () => {
        const list = await getJson<ThreadListItem[]>('/api/threads');
        expect(list.reduce((n, t) => n + t.turns, 0)).toBe(9);
        return list;
      },
      { timeout: 10_000, interval: 50 },
    );
    const byTitle = (start: string) => {
      const thread = threads.find((t) => t.title.startsWith(start));
      if (!thread) throw new Error(`no thread titled ${start}…: ${threads.map((t) => t.title).join(' | ')}`);
      return thread;
    };
    expect(threads).toHaveLength(5);
    const chat = byTitle('Fix the failing parser test');
    expect(chat).toMatchObject({ turns: 2, parentId: null, providers: ['upstream'], apis: ['openai.chat'] });
    expect(chat.models).toEqual(['gpt-4.1-2025-04-14']);
    expect(chat.totals.cachedTokens).toBeGreaterThan(1024);
    expect(byTitle('Name a prime.')).toMatchObject({ turns: 2, apis: ['openai.responses'] });
    const main = byTitle('Rename parseConfig');
    const subThread = byTitle('List every caller');
    expect(main).toMatchObject({ turns: 2, providers: ['anthropic'], childIds: [subThread.id] });
    expect(subThread).toMatchObject({ turns: 1, parentId: main.id, models: ['claude-haiku-4-5'] });
    expect(byTitle('You are a coding agent')).toMatchObject({
      turns: 2,
      providers: ['gemini'],
      apis: ['gemini.generate'],
    });

    const chatDetail = await getJson<ThreadDetail>(`/api/threads/${chat.id}`);
    const [t1, t2] = chatDetail.turns;
    expect(t1?.cache).toMatchObject({ verdict: 'miss', reason: { kind: 'first-turn' } });
    expect(t2?.delta?.appended.map((a) => [a.at, a.kind])).toEqual([
      ['messages[2]', 'echoed-answer'],
      ['messages[3]', 'tool-result'],
    ]);
    expect(t2?.cache).toMatchObject({ verdict: 'hit', divergedAt: null });
    expect(t2?.context?.estimate).toBe(true);
    expect(Object.values(t2?.context?.parts ?? {}).reduce((s, n) => s + n, 0)).toBe(t2?.usage?.inputTokens);

    const responses = await getJson<ThreadDetail>(`/api/threads/${byTitle('Name a prime.').id}`);
    expect(responses.turns[1]?.delta).toMatchObject({
      link: 'previous-response-id',
      appended: [{ at: 'input[0]', kind: 'user' }],
    });

    const mainDetail = await getJson<ThreadDetail>(`/api/threads/${main.id}`);
    expect(mainDetail.turns[1]?.cache).toMatchObject({ verdict: 'hit' });
    expect(mainDetail.thread.childIds).toEqual([subThread.id]);

    const summaries =
      await getJson<{ thread?: { id: string; turn: number } | null; api: string }[]>('/api/exchanges');
    expect(summaries.map((s) => s.thread?.turn)).toEqual([1, 2, 1, 2, 1, 1, 2, 1, 2]);

    // After a new session starts, the old one is read back from its file: its threads are still there.
    const old = (await getJson<{ id: string }[]>('/api/sessions')).find((s) => s);
    const created = await h.api('/api/sessions', { method: 'POST' });
    expect(created.status).toBe(201);
    expect(await getJson<ThreadListItem[]>('/api/threads')).toEqual([]);
    const reopened = await getJson<ThreadListItem[]>(`/api/threads?session=${old?.id}`);
    expect(reopened).toEqual(threads);
    expect((await getJson<ThreadDetail>(`/api/threads/${chat.id}?session=${old?.id}`)).turns).toEqual(
      chatDetail.turns,
    );
    expect((await h.api('/api/threads/thr_nonexistent0')).status).toBe(404);
    saved = { session: old?.id ?? '', threads };
  });

  it('puts two parallel sub-agents under the thread whose streamed answer started them, however their turns interleave', async () => {
    const before = new Set((await getJson<ThreadListItem[]>('/api/threads')).map((t) => t.id));
    const gate = createGate();
    const promptA = 'Find every use of the deprecated fetchJson helper in src/ and list them.';
    const promptB = 'Read docs/storage.md and summarise how sessions are written in three bullets.';
    const sse = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    const toolUse = (index: number, id: string, prompt: string) => [
      sse('content_block_start', {
        type: 'content_block_start',
        index,
        content_block: { type: 'tool_use', id, name: 'Task', input: {} },
      }),
      sse('content_block_delta', {
        type: 'content_block_delta',
        index,
        delta: { type: 'input_json_delta', partial_json: JSON.stringify({ description: id, prompt }) },
      }),
      sse('content_block_stop', { type: 'content_block_stop', index }),
    ];
    const parentStream = [
      sse('message_start', {
        type: 'message_start',
        message: {
          id: 'msg_orch',
          type: 'message',
          role: 'assistant',
          model: 'claude-sonnet-4-5',
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: {
            input_tokens: 5,
            cache_creation_input_tokens: 3000,
            cache_read_input_tokens: 0,
            output_tokens: 1,
          },
        },
      }),
      ...toolUse(0, 'toolu_a', promptA),
      ...toolUse(1, 'toolu_b', promptB),
      sse('message_delta', {
        type: 'message_delta',
        delta: { stop_reason: 'tool_use', stop_sequence: null },
        usage: { output_tokens: 60 },
      }),
      sse('message_stop', { type: 'message_stop' }),
    ];
    const orchestrator = 'You are the orchestrator. Delegate with Task.';
    anthropicUp.respond('POST /v1/messages', (request) => {
      const body = request.json() as { system?: unknown; messages: unknown[]; stream?: boolean };
      if (body.stream)
        return {
          kind: 'gated',
          chunks: parentStream,
          gate,
          headers: { 'content-type': 'text/event-stream' },
        };
      return anthropicResponder(request);
    });
    const anthropic = new Anthropic({
      apiKey: TEST_API_KEY,
      baseURL: `${proxyUrl}/anthropic`,
      maxRetries: 0,
    });
    const first: Anthropic.MessageParam = {
      role: 'user',
      content: 'Remove fetchJson and document the storage layer',
    };
    // Both tool calls are on the wire, the answer is not over yet: the agent starts its sub-agents now.
    gate.release(parentStream.length - 2);
    const parent = anthropic.messages
      .create({
        model: 'claude-sonnet-4-5',
        max_tokens: 1024,
        system: orchestrator,
        messages: [first],
        stream: true,
      })
      .then(async (stream) => {
        const events: string[] = [];
        for await (const event of stream) events.push(event.type);
        return events;
      });
    await gate.whenWritten(parentStream.length - 2);
    const sub = (prompt: string, more: Anthropic.MessageParam[] = []) =>
      anthropic.messages.create({
        model: 'claude-haiku-4-5',
        max_tokens: 512,
        system: 'You are a sub-agent.',
        messages: [{ role: 'user', content: prompt }, ...more],
      });
    const [b1, a1] = await Promise.all([sub(promptB), sub(promptA)]);
    gate.releaseAll();
    expect(await parent).toContain('message_stop');
    const answer = (m: Anthropic.Message): Anthropic.MessageParam => ({
      role: 'assistant',
      content: m.content,
    });
    await sub(promptB, [answer(b1), { role: 'user', content: 'And the index file?' }]);
    await sub(promptA, [answer(a1), { role: 'user', content: 'Include tests too.' }]);
    await anthropic.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 1024,
      system: orchestrator,
      messages: [
        first,
        {
          role: 'assistant',
          content: [
            {
              type: 'tool_use',
              id: 'toolu_a',
              name: 'Task',
              input: { description: 'toolu_a', prompt: promptA },
            },
            {
              type: 'tool_use',
              id: 'toolu_b',
              name: 'Task',
              input: { description: 'toolu_b', prompt: promptB },
            },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_a', content: 'a' },
            { type: 'tool_result', tool_use_id: 'toolu_b', content: 'b' },
          ],
        },
      ],
    });

    const fresh = await vi.waitFor(
      async () => {
        const list = (await getJson<ThreadListItem[]>('/api/threads')).filter((t) => !before.has(t.id));
        expect(list.reduce((n, t) => n + t.turns, 0)).toBe(6);
        return list;
      },
      { timeout: 10_000, interval: 50 },
    );
    const main = fresh.find((t) => t.title.startsWith('Remove fetchJson'));
    const a = fresh.find((t) => t.title.startsWith('Find every use'));
    const b = fresh.find((t) => t.title.startsWith('Read docs/storage'));
    expect(fresh).toHaveLength(3);
    expect(main).toMatchObject({ turns: 2, parentId: null });
    expect(a).toMatchObject({ turns: 2, parentId: main?.id });
    expect(b).toMatchObject({ turns: 2, parentId: main?.id });
    expect(main?.childIds.sort()).toEqual([a?.id, b?.id].sort());
  });

  it('rebuilds the threads of a session whose records have none (captured before threads) from its records', async () => {
    if (!saved) throw new Error('the first test did not run');
    const summaries = await getJson<{ id: string }[]>(`/api/exchanges?session=${saved.session}`);
    const lines: string[] = [];
    for (const { id } of summaries) {
      const {
        thread: _t,
        delta: _d,
        cache: _c,
        context: _x,
        ...old
      } = await getJson<Record<string, unknown>>(`/api/exchanges/${id}?session=${saved.session}`);
      lines.push(JSON.stringify(old));
    }
    const imported = await h.api('/api/import?name=before-threads.jsonl', {
      method: 'POST',
      body: `${lines.join('\n')}\n`,
    });
    expect(imported.status).toBe(201);
    const { session } = (await imported.json()) as { session: { id: string } };
    const rebuilt = await getJson<ThreadListItem[]>(`/api/threads?session=${session.id}`);
    // Same threads (new ids), same turns, same parent and child.
    const shape = (list: ThreadListItem[]) =>
      list
        .map((t) => ({
          title: t.title,
          turns: t.turns,
          models: t.models,
          isChild: t.parentId !== null,
          children: t.childIds.length,
          totals: t.totals,
        }))
        .sort((a, b) => (a.title < b.title ? -1 : 1));
    expect(shape(rebuilt)).toEqual(shape(saved.threads));
    const chat = rebuilt.find((t) => t.title.startsWith('Fix the failing'));
    const detail = await getJson<ThreadDetail>(`/api/threads/${chat?.id}?session=${session.id}`);
    expect(detail.turns.map((t) => [t.turn, t.cache?.verdict, t.delta?.link])).toEqual([
      [1, 'miss', 'new'],
      [2, 'hit', 'prefix'],
    ]);
  });
});
