import { describe, expect, it } from 'vitest';
import { createResponsesInterpreter } from '../../../shared/interpreters/responses-interpreter.ts';
import {
  decodeChunks,
  decoderFor,
  firstOutput,
  fixtureBytes,
  fixtureJson,
  replay,
  replayEvents,
} from '../fixtures.ts';

describe('Responses API streams', () => {
  it('openai-responses-stream.sse: output text and usage from response.completed', () => {
    const run = replay('openai.responses', 'openai-responses-stream.sse');
    expect(run.result).toEqual({
      model: 'gpt-4o-2024-08-06',
      merged: {
        text: 'The capital of France is Paris.',
        refusal: null,
        reasoning: null,
        toolCalls: [],
        finishReason: 'completed',
      },
      usage: { inputTokens: 278, outputTokens: 9, cachedTokens: 0, reasoningTokens: 0, totalTokens: 287 },
      terminated: true,
      streamError: null,
    });
    expect(firstOutput(run)).toMatchObject({ type: 'response.output_text.delta', delta: 'The' });
    expect(run.outputEvents).toHaveLength(7);
  });

  it('openai-responses-stream-function-call.sse: a function call from item and argument deltas', () => {
    const run = replay('openai.responses', 'openai-responses-stream-function-call.sse');
    expect(run.result.merged).toEqual({
      text: '',
      refusal: null,
      reasoning: null,
      toolCalls: [
        { id: 'call_kL0PCQV7M2WMoVX8V8OtYSAL', name: 'get_capital', arguments: '{"country":"France"}' },
      ],
      finishReason: 'completed',
    });
    expect(run.result.usage).toEqual({
      inputTokens: 255,
      outputTokens: 16,
      cachedTokens: 0,
      reasoningTokens: 0,
      totalTokens: 271,
    });
    expect(run.result.model).toBe('gpt-4o-2024-08-06');
    expect(firstOutput(run)).toMatchObject({
      type: 'response.output_item.added',
      item: { type: 'function_call' },
    });
  });

  it('openai-responses-stream-v2.sse: newer format with cache_write_tokens', () => {
    const run = replay('openai.responses', 'openai-responses-stream-v2.sse');
    expect(run.result.model).toBe('gpt-5.1-2025-11-13');
    expect(run.result.merged.text).toBe('six');
    expect(run.result.merged.finishReason).toBe('completed');
    expect(run.result.usage).toEqual({
      inputTokens: 33,
      outputTokens: 11,
      cachedTokens: 0,
      reasoningTokens: 0,
      totalTokens: 44,
      cacheWriteTokens: 0,
    });
    expect(run.result.terminated).toBe(true);
    expect(run.outputEvents).toEqual([4]);
  });

  it('openai-responses-stream-error-insufficient-quota.sse: error event then response.failed', () => {
    const run = replay('openai.responses', 'openai-responses-stream-error-insufficient-quota.sse');
    expect(run.result.model).toBe('gpt-5-nano-2025-08-07');
    expect(run.result.streamError).toEqual({
      type: 'insufficient_quota',
      message:
        'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
    });
    expect(run.result.merged.finishReason).toBe('failed');
    expect(run.result.usage).toBeNull();
    expect(run.result.terminated).toBe(true);
    expect(run.outputEvents).toEqual([]);
  });

  it('response.failed alone still reports its error', () => {
    const events = replay('openai.responses', 'openai-responses-stream-error-insufficient-quota.sse').events;
    const run = replayEvents(
      'openai.responses',
      events.filter((e) => e.event !== 'error'),
    );
    expect(run.result.streamError?.type).toBe('insufficient_quota');
  });

  it('the documented flat error event shape', () => {
    const interpreter = createResponsesInterpreter();
    interpreter.pushEvent({
      event: 'error',
      data: '{"type":"error","code":"server_error","message":"The server had an error","param":null,"sequence_number":1}',
    });
    expect(interpreter.snapshot().streamError).toEqual({
      type: 'server_error',
      message: 'The server had an error',
    });
    expect(interpreter.snapshot().terminated).toBe(false);
  });

  it('openai-responses-stream-reasoning-incomplete.sse: summaries and an incomplete reason', () => {
    const run = replay('openai.responses', 'openai-responses-stream-reasoning-incomplete.sse');
    expect(run.result).toEqual({
      model: 'o4-mini-2025-04-16',
      merged: {
        text: '2, 3, 5, 7, 11',
        refusal: null,
        reasoning: '**Counting primes** below 20.\n\nListing them.',
        toolCalls: [],
        finishReason: 'max_output_tokens',
      },
      usage: { inputTokens: 21, outputTokens: 64, cachedTokens: 0, reasoningTokens: 48, totalTokens: 85 },
      terminated: true,
      streamError: null,
    });
    expect(firstOutput(run)).toMatchObject({ type: 'response.reasoning_summary_text.delta' });
  });

  it('refusal deltas', () => {
    const interpreter = createResponsesInterpreter();
    expect(
      interpreter.pushEvent({
        event: 'response.refusal.delta',
        data: '{"type":"response.refusal.delta","item_id":"msg_1","output_index":0,"content_index":0,"delta":"I can"}',
      }),
    ).toBe(true);
    interpreter.pushEvent({
      event: 'response.refusal.delta',
      data: '{"type":"response.refusal.delta","item_id":"msg_1","output_index":0,"content_index":0,"delta":"not."}',
    });
    expect(interpreter.snapshot().merged.refusal).toBe('I cannot.');
  });

  it('parallel function calls keyed by item id', () => {
    const interpreter = createResponsesInterpreter();
    const push = (o: object) => interpreter.pushEvent({ event: null, data: JSON.stringify(o) });
    push({
      type: 'response.output_item.added',
      output_index: 0,
      item: { type: 'function_call', id: 'fc_a', call_id: 'call_a', name: 'a', arguments: '' },
    });
    push({
      type: 'response.output_item.added',
      output_index: 1,
      item: { type: 'function_call', id: 'fc_b', call_id: 'call_b', name: 'b', arguments: '' },
    });
    push({
      type: 'response.function_call_arguments.delta',
      item_id: 'fc_b',
      output_index: 1,
      delta: '{"b":',
    });
    push({
      type: 'response.function_call_arguments.delta',
      item_id: 'fc_a',
      output_index: 0,
      delta: '{"a":1}',
    });
    push({ type: 'response.function_call_arguments.delta', item_id: 'fc_b', output_index: 1, delta: '2}' });
    expect(interpreter.snapshot().merged.toolCalls).toEqual([
      { id: 'call_a', name: 'a', arguments: '{"a":1}' },
      { id: 'call_b', name: 'b', arguments: '{"b":2}' },
    ]);
  });

  it('cut before response.completed: usage null, not terminated', () => {
    const bytes = fixtureBytes('openai-responses-stream.sse');
    const cut = Buffer.from(bytes).indexOf('event: response.completed');
    const run = replayEvents('openai.responses', decodeChunks(decoderFor('x.sse'), [bytes.subarray(0, cut)]));
    expect(run.result.usage).toBeNull();
    expect(run.result.terminated).toBe(false);
    expect(run.result.merged.text).toBe('The capital of France is Paris.');
    expect(run.result.merged.finishReason).toBeNull();
  });
});

describe('Responses API JSON bodies', () => {
  it('openai-responses-nonstream.json', () => {
    const interpreter = createResponsesInterpreter();
    interpreter.readBody(fixtureJson('openai-responses-nonstream.json'));
    expect(interpreter.snapshot()).toEqual({
      model: 'o4-mini-2025-04-16',
      merged: {
        text: 'Checking the weather.',
        refusal: null,
        reasoning: 'Need the weather tool.',
        toolCalls: [{ id: 'call_Weather0001', name: 'get_weather', arguments: '{"city":"Paris"}' }],
        finishReason: 'completed',
      },
      usage: { inputTokens: 80, outputTokens: 40, cachedTokens: 64, reasoningTokens: 16, totalTokens: 120 },
      terminated: true,
      streamError: null,
    });
  });

  it('the final response object of a stream reads the same as a body', () => {
    const events = replay('openai.responses', 'openai-responses-stream.sse').events;
    const last = events.at(-1);
    const interpreter = createResponsesInterpreter();
    interpreter.readBody((JSON.parse(last?.data ?? '{}') as { response: unknown }).response);
    const streamed = replay('openai.responses', 'openai-responses-stream.sse').result;
    expect(interpreter.snapshot()).toEqual(streamed);
  });

  it('an incomplete body gives its reason', () => {
    const interpreter = createResponsesInterpreter();
    interpreter.readBody({
      status: 'incomplete',
      incomplete_details: { reason: 'content_filter' },
      output: [],
    });
    expect(interpreter.snapshot().merged.finishReason).toBe('content_filter');
  });
});
