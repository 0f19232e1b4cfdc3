/**
 * OpenTelemetry GenAI export end to end: the real proxy (headless InspectorService) in front of
 * the fake upstream, the official OpenAI and Anthropic SDKs as clients, and a local OTLP/HTTP
 * receiver that decodes what arrives independently (JSON, or protobufjs with the OTLP .proto
 * definitions), for both protocols.
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ExchangeSummary } from '../../../shared/exchange/exchange-record.ts';
import { loadSseFixture, readFixture } from '../../support/fixtures.ts';
import { type HeadlessHarness, startHeadlessHarness } from '../../support/headless-harness.ts';
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from '../../support/otlp-receiver.ts';
import { waitForStored } from '../../support/stored-exchanges.ts';
import { TEST_API_KEY } from '../../support/tokentap-harness.ts';

const NO_RENDERER = undefined;
let running: HeadlessHarness | null = null;
let runningReceiver: OtlpReceiver | null = null;

afterEach(async () => {
  await running?.close();
  running = null;
  await runningReceiver?.close();
  runningReceiver = null;
});

async function start(protocol: string, env: Record<string, string> = {}) {
  const receiver = await startOtlpReceiver();
  runningReceiver = receiver;
  const h = await startHeadlessHarness(
    NO_RENDERER,
    {},
    {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
      OTEL_EXPORTER_OTLP_HEADERS: 'x-team=ml%20platform',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=ci,team=ml',
      OTEL_BSP_SCHEDULE_DELAY: '20',
      ...env,
    },
  );
  running = h;
  return { h, receiver };
}

function sse(name: string) {
  return { status: 200, headers: { 'content-type': 'text/event-stream' }, body: readFixture(name) };
}

async function chatStream(harness: HeadlessHarness, extra: Record<string, unknown> = {}) {
  // Event by event, paced, as a real stream arrives (time per output chunk needs chunks).
  harness.upstream.respond('POST /v1/chat/completions', {
    headers: { 'content-type': 'text/event-stream' },
    chunks: loadSseFixture('openai-chat-stream-usage.sse', { pacingMs: 2 }),
  });
  const stream = await harness.openai.chat.completions.create({
    model: 'gpt-4o',
    messages: [
      { role: 'system', content: 'Answer in one sentence.' },
      { role: 'user', content: 'What is the capital of France?' },
    ],
    stream: true,
    stream_options: { include_usage: true },
    temperature: 0.2,
    top_p: 0.9,
    max_tokens: 50,
    seed: 7,
    stop: ['END'],
    ...extra,
  });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
  return text;
}

const summaries = (harness: HeadlessHarness, count: number): Promise<ExchangeSummary[]> =>
  waitForStored(harness.service, count);

async function spansFor(r: OtlpReceiver, ids: string[]): Promise<Map<string, ReceivedSpan>> {
  const byId = new Map<string, ReceivedSpan>();
  await vi.waitFor(
    () => {
      for (const span of r.spans) byId.set(span.attributes['tokentap.exchange.id'] as string, span);
      expect([...byId.keys()].sort(), 'the receiver has a span for every exchange').toEqual(
        expect.arrayContaining(ids),
      );
    },
    { timeout: 20_000, interval: 20 },
  );
  return byId;
}

function noKeyIn(r: OtlpReceiver): void {
  const all = Buffer.concat(r.raw);
  expect(all.length).toBeGreaterThan(0);
  expect(all.includes(TEST_API_KEY), 'the test key is in no byte the endpoint received').toBe(false);
  expect(all.includes('tokentapTESTkey'), 'nor a piece of it').toBe(false);
}

const CONTENT_ATTRIBUTES = [
  'gen_ai.input.messages',
  'gen_ai.output.messages',
  'gen_ai.system_instructions',
  'gen_ai.tool.definitions',
];

describe.each(['http/protobuf', 'http/json'])('OTLP export over %s', (protocol) => {
  it('sends chat (streamed), Responses and Anthropic exchanges as GenAI spans, usage to the token, no content, no key; and metrics', async () => {
    const { h, receiver } = await start(protocol);
    expect(await chatStream(h)).toBe('The capital of Mexico is Mexico City.');

    h.upstream.respond('POST /v1/responses', sse('openai-responses-stream.sse'));
    const responses = await h.openai.responses.create({
      model: 'gpt-4o',
      input: 'Say hello',
      stream: true,
      previous_response_id: 'resp_previous_turn_1',
      max_output_tokens: 64,
    });
    for await (const _event of responses) {
      // drained
    }

    h.upstream.respond('POST /v1/messages', sse('anthropic-messages-stream.sse'));
    const anthropic = new Anthropic({
      apiKey: TEST_API_KEY,
      baseURL: h.service.proxy?.url as string,
      maxRetries: 0,
    });
    const message = await anthropic.messages.create({
      model: 'claude-sonnet-4-6',
      max_tokens: 100,
      system: 'Be brief.',
      stop_sequences: ['STOP'],
      metadata: { user_id: 'user-42' },
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
    });
    for await (const _event of message) {
      // drained
    }

    const list = await summaries(h, 3);
    const spans = await spansFor(
      receiver,
      list.map((s) => s.id),
    );
    const [chat, resp, claude] = list.map((s) => spans.get(s.id) as ReceivedSpan);
    const [chatSummary] = list as [ExchangeSummary];

    expect(receiver.contentTypes[0]).toBe(
      protocol === 'http/json' ? 'application/json' : 'application/x-protobuf',
    );
    expect(chat?.name).toBe('chat gpt-4o');
    expect(chat?.kind).toBe(3); // SPAN_KIND_CLIENT
    expect(chat?.scope).toBe('tokentap');
    expect(chat?.resource).toMatchObject({
      'service.name': 'tokentap',
      'deployment.environment': 'ci',
      team: 'ml',
    });
    // The exchange's own times, not the export's.
    const startNs = BigInt(Date.parse(chatSummary.startedAt)) * 1_000_000n;
    expect(chat?.startTimeUnixNano).toBe(startNs);
    expect(Number((chat?.endTimeUnixNano ?? 0n) - startNs) / 1e6).toBeCloseTo(
      chatSummary.timings.totalMs ?? -1,
      0,
    );
    expect(chat?.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.system': 'openai',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.response.model': 'gpt-4o-2024-08-06',
      'gen_ai.response.id': 'chatcmpl-C2P2HtMJhPkWjQ2adKerkdVilXmRL',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.request.temperature': 0.2,
      'gen_ai.request.top_p': 0.9,
      'gen_ai.request.max_tokens': 50,
      'gen_ai.request.seed': 7,
      'gen_ai.request.stop_sequences': ['END'],
      'gen_ai.usage.input_tokens': 14,
      'gen_ai.usage.output_tokens': 8,
      'gen_ai.usage.cache_read.input_tokens': 0,
      'gen_ai.usage.reasoning.output_tokens': 0,
      'http.response.status_code': 200,
      'server.address': '127.0.0.1',
      'tokentap.tenant': chatSummary.tenant,
    });
    expect(chat?.attributes['gen_ai.response.time_to_first_chunk']).toBeCloseTo(
      (chatSummary.timings.firstTokenMs ?? -1) / 1000,
      6,
    );
    expect(typeof chat?.attributes['tokentap.cost_usd']).toBe('number');
    // The conversation is the thread Tokentap found (a one-turn thread here).
    expect(chat?.attributes['gen_ai.conversation.id']).toBe(chatSummary.thread?.id);
    expect(chatSummary.thread?.id).toMatch(/^thr_/);
    expect(chat?.attributes).not.toHaveProperty('error.type');

    expect(resp?.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'tokentap.api': 'openai.responses',
      'gen_ai.response.id': 'resp_67e554a21aa88191b65876ac5e5bbe0406c52f0e511c76ed',
      'gen_ai.response.model': 'gpt-4o-2024-08-06',
      'gen_ai.conversation.id': list[1]?.thread?.id,
      'gen_ai.request.max_tokens': 64,
      'gen_ai.usage.input_tokens': list[1]?.usage?.inputTokens,
      'gen_ai.usage.output_tokens': list[1]?.usage?.outputTokens,
    });
    expect(claude?.name).toBe('chat claude-sonnet-4-6');
    expect(claude?.attributes).toMatchObject({
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.system': 'anthropic',
      'gen_ai.response.id': 'msg_011oC3yivUSFxqbo3krQu9Nt',
      'gen_ai.response.finish_reasons': ['end_turn'],
      'gen_ai.request.max_tokens': 100,
      'gen_ai.request.stop_sequences': ['STOP'],
      'gen_ai.conversation.id': list[2]?.thread?.id,
      'gen_ai.usage.input_tokens': 1007,
      'gen_ai.usage.output_tokens': 59,
      'gen_ai.usage.cache_read.input_tokens': 0,
      'gen_ai.usage.cache_creation.input_tokens': 0,
    });
    for (const span of [chat, resp, claude])
      for (const name of CONTENT_ATTRIBUTES)
        expect(span?.attributes, `no ${name} without the opt-in`).not.toHaveProperty(name);
    expect(
      Buffer.concat(receiver.raw).includes('capital of France'),
      'no prompt text without the opt-in',
    ).toBe(false);

    const status = await h.service.status();
    expect(status.telemetry).toMatchObject({ state: 'ok', error: null, content: false, dropped: 0 });

    // Metrics go out at the interval or at the end; the end is now.
    await h.close();
    running = null;
    const names = new Set(receiver.metrics.map((m) => m.name));
    expect([...names]).toEqual(
      expect.arrayContaining([
        'gen_ai.client.token.usage',
        'gen_ai.client.operation.duration',
        'gen_ai.client.operation.time_to_first_chunk',
        'gen_ai.client.operation.time_per_output_chunk',
      ]),
    );
    const usage = receiver.metrics.filter((m) => m.name === 'gen_ai.client.token.usage').at(-1);
    expect(usage?.unit).toBe('{token}');
    const inputForChat = usage?.points.find(
      (p) =>
        p.attributes['gen_ai.token.type'] === 'input' && p.attributes['gen_ai.request.model'] === 'gpt-4o',
    );
    expect(inputForChat?.explicitBounds).toEqual([
      1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
    ]);
    // Both gpt-4o exchanges (chat and Responses) in one point.
    expect(inputForChat?.sum).toBe(14 + (list[1]?.usage?.inputTokens ?? 0));
    noKeyIn(receiver);
  });

  it('sends message content only with the opt-in (OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true), still no key', async () => {
    const { h, receiver } = await start(protocol, {
      OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'true',
    });
    await chatStream(h, {
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
    });
    const [summary] = (await summaries(h, 1)) as [ExchangeSummary];
    const span = (await spansFor(receiver, [summary.id])).get(summary.id) as ReceivedSpan;
    const input = JSON.parse(span.attributes['gen_ai.input.messages'] as string);
    expect(input).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'Answer in one sentence.' }] },
      { role: 'user', parts: [{ type: 'text', content: 'What is the capital of France?' }] },
    ]);
    expect(JSON.parse(span.attributes['gen_ai.output.messages'] as string)).toEqual([
      {
        role: 'assistant',
        parts: [{ type: 'text', content: 'The capital of Mexico is Mexico City.' }],
        finish_reason: 'stop',
      },
    ]);
    expect(JSON.parse(span.attributes['gen_ai.tool.definitions'] as string)).toEqual([
      { type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } },
    ]);
    expect((await h.service.status()).telemetry?.content).toBe(true);
    noKeyIn(receiver);
  });

  it('never blocks forwarding while the endpoint refuses, answers 503 or stalls, and catches up when it is back', async () => {
    const { h, receiver } = await start(protocol, {
      OTEL_EXPORTER_OTLP_TIMEOUT: '400',
      TOKENTAP_OTEL_RETRY_MAX_MS: '100',
    });
    const telemetry = async () => (await h.service.status()).telemetry;

    await receiver.stopListening();
    await chatStream(h);
    await vi.waitFor(
      async () =>
        expect((await telemetry())?.error, 'the status says the endpoint refuses').toMatch(/ECONNREFUSED/),
      { timeout: 10_000, interval: 20 },
    );
    expect((await telemetry())?.state).toBe('failing');

    receiver.mode = '503';
    await receiver.listenAgain();
    await vi.waitFor(() => expect(receiver.refused503, 'the endpoint has answered 503').toBeGreaterThan(0), {
      timeout: 10_000,
      interval: 20,
    });

    receiver.mode = 'stall';
    await vi.waitFor(
      () => expect(receiver.stalled, 'an export is held by the stalled endpoint').toBeGreaterThan(0),
      {
        timeout: 10_000,
        interval: 20,
      },
    );
    // Forwarding goes on while the endpoint holds an export.
    expect(await chatStream(h)).toBe('The capital of Mexico is Mexico City.');
    const list = await summaries(h, 2);
    expect(receiver.spans).toHaveLength(0);
    expect((await telemetry())?.state).toBe('failing');

    receiver.mode = 'ok';
    receiver.releaseStalled();
    const spans = await spansFor(
      receiver,
      list.map((s) => s.id),
    );
    expect(spans.size).toBe(2);
    await vi.waitFor(
      async () =>
        expect(await telemetry(), 'the status is back to ok').toMatchObject({ state: 'ok', error: null }),
      { timeout: 10_000, interval: 20 },
    );
    expect((await telemetry())?.dropped).toBe(0);
    noKeyIn(receiver);
  });
});
