/**
 * Threads as traces, end to end: conversations held through the real proxy with the official
 * SDKs, spans decoded by the independent OTLP receiver. A thread's turns share one trace id
 * (derived from the thread id), a sub-agent's turns are child spans of the parent turn that
 * delegated to it, and `gen_ai.conversation.id` is the thread id.
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterEach, expect, it, vi } from 'vitest';
import { threadTraceId } from '../../../electron/telemetry/thread-traces.ts';
import type { ExchangeSummary } from '../../../shared/exchange/exchange-record.ts';
import { type FakeUpstream, type RecordedRequest, startFakeUpstream } from '../../support/fake-upstream.ts';
import { type HeadlessHarness, startHeadlessHarness } from '../../support/headless-harness.ts';
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from '../../support/otlp-receiver.ts';
import { waitForStored } from '../../support/stored-exchanges.ts';
import { TEST_API_KEY } from '../../support/tokentap-harness.ts';

const JSON_HEADERS = { 'content-type': 'application/json' };
const SUB_PROMPT = 'List every caller of parseConfig in src/ with its file and line number.';
const running: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const item of running.splice(0).reverse()) await item.close();
});

/** The main agent's first turn delegates to a sub-agent (a Task tool call); everything else answers in text. */
function anthropicResponder(request: RecordedRequest) {
  const body = request.json() as { system?: unknown; messages: unknown[]; model: string };
  const main = JSON.stringify(body.system ?? '').includes('coding agent');
  const delegate = main && body.messages.length === 1;
  return {
    headers: JSON_HEADERS,
    body: JSON.stringify({
      id: `msg_${request.seq}`,
      type: 'message',
      role: 'assistant',
      model: body.model,
      content: delegate
        ? [{ type: 'tool_use', id: 'toolu_task1', name: 'Task', input: { prompt: SUB_PROMPT } }]
        : [{ type: 'text', text: main ? 'All callers are fixed.' : 'src/a.ts:3, src/b.ts:9' }],
      stop_reason: delegate ? 'tool_use' : 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 40, output_tokens: 20 },
    }),
  };
}

function chatResponder(request: RecordedRequest) {
  const body = request.json() as { messages: unknown[] };
  return {
    headers: JSON_HEADERS,
    body: JSON.stringify({
      id: `chatcmpl-${request.seq}`,
      object: 'chat.completion',
      created: 1_780_000_000,
      model: 'gpt-4.1',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: `Answer ${body.messages.length}` },
          finish_reason: 'stop',
        },
      ],
      usage: { prompt_tokens: 30, completion_tokens: 3, total_tokens: 33 },
    }),
  };
}

async function start(): Promise<{ h: HeadlessHarness; receiver: OtlpReceiver; proxyUrl: string }> {
  const receiver = await startOtlpReceiver();
  running.push(receiver);
  const anthropicUp: FakeUpstream = await startFakeUpstream();
  running.push(anthropicUp);
  anthropicUp.respond('POST /v1/messages', anthropicResponder);
  const h = await startHeadlessHarness(
    undefined,
    {},
    {
      TOKENTAP_ROUTES: `anthropic=${anthropicUp.url}`,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_BSP_SCHEDULE_DELAY: '20',
    },
  );
  running.push(h);
  h.upstream.respond('POST /v1/chat/completions', chatResponder);
  return { h, receiver, proxyUrl: h.service.proxy?.url as string };
}

const summaries = (h: HeadlessHarness, count: number): Promise<ExchangeSummary[]> => waitForStored(h, count);

it('exports a thread as one trace, a sub-agent as child spans of the turn that delegated, conversation id = thread id', async () => {
  const { h, receiver, proxyUrl } = await start();
  const anthropic = new Anthropic({ apiKey: TEST_API_KEY, baseURL: `${proxyUrl}/anthropic`, maxRetries: 0 });
  const system = 'You are a coding agent in a TypeScript repository.';
  const tools = [{ name: 'Task', description: 'Run a sub-agent', input_schema: { type: 'object' as const } }];
  const first: Anthropic.MessageParam = {
    role: 'user',
    content: 'Rename parseConfig to loadConfig everywhere',
  };
  const delegated = await anthropic.messages.create({
    model: 'claude-sonnet-4-5',
    max_tokens: 1024,
    system,
    tools,
    messages: [first],
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
    system,
    tools,
    messages: [
      first,
      { role: 'assistant', content: delegated.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_task1', content: subText }] },
    ],
  });
  // A separate conversation of three turns, and a one-off call in a thread of its own.
  const history: Array<{ role: 'user' | 'assistant'; content: string }> = [];
  for (const question of ['What is 2+2?', 'And times 3?', 'Minus 1?']) {
    history.push({ role: 'user', content: question });
    const answer = await h.openai.chat.completions.create({ model: 'gpt-4.1', messages: history });
    history.push({ role: 'assistant', content: answer.choices[0]?.message.content ?? '' });
  }

  const list = await summaries(h, 6);
  await vi.waitFor(() => expect(receiver.spans, 'a span per exchange').toHaveLength(6), {
    timeout: 10_000,
    interval: 20,
  });
  const spanOf = (summary: ExchangeSummary): ReceivedSpan => {
    const span = receiver.spans.find((s) => s.attributes['tokentap.exchange.id'] === summary.id);
    if (!span) throw new Error(`no span for ${summary.id}`);
    return span;
  };
  const [mainTurn1, subTurn1, mainTurn2, chat1, chat2, chat3] = list.map((s) => ({
    summary: s,
    span: spanOf(s),
  }));
  if (!mainTurn1 || !subTurn1 || !mainTurn2 || !chat1 || !chat2 || !chat3) throw new Error('six exchanges');
  const mainThread = mainTurn1.summary.thread;
  const subThread = subTurn1.summary.thread;
  expect(mainThread).toMatchObject({ turn: 1, parentId: null });
  expect(subThread).toMatchObject({ turn: 1, parentId: mainThread?.id });
  expect(mainTurn2.summary.thread).toMatchObject({ id: mainThread?.id, turn: 2 });

  // One trace for the main thread, derived from its id; its turns are root spans.
  const mainTrace = threadTraceId(mainThread?.id as string);
  expect(mainTurn1.span.traceId).toBe(mainTrace);
  expect(mainTurn2.span.traceId).toBe(mainTrace);
  expect(mainTurn1.span.parentSpanId).toBe('');
  expect(mainTurn2.span.parentSpanId).toBe('');
  // The sub-agent hangs under the turn that delegated to it, in the same trace.
  expect(subTurn1.span.traceId).toBe(mainTrace);
  expect(subTurn1.span.parentSpanId).toBe(mainTurn1.span.spanId);
  expect(mainTurn1.span.attributes['gen_ai.conversation.id']).toBe(mainThread?.id);
  expect(subTurn1.span.attributes).toMatchObject({
    'gen_ai.conversation.id': subThread?.id,
    'tokentap.thread.turn': 1,
    'tokentap.thread.parent_id': mainThread?.id,
  });
  expect(mainTurn2.span.attributes['tokentap.thread.turn']).toBe(2);

  // The chat conversation: a trace of its own, three turns, the thread id as conversation id.
  const chatThread = chat1.summary.thread?.id as string;
  expect([chat2, chat3].map((t) => t.summary.thread?.id)).toEqual([chatThread, chatThread]);
  expect(new Set([chat1, chat2, chat3].map((t) => t.span.traceId))).toEqual(
    new Set([threadTraceId(chatThread)]),
  );
  expect([chat1, chat2, chat3].map((t) => t.span.attributes['gen_ai.conversation.id'])).toEqual([
    chatThread,
    chatThread,
    chatThread,
  ]);
  expect(threadTraceId(chatThread)).not.toBe(mainTrace);
});
