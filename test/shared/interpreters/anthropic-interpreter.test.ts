import { describe, expect, it } from 'vitest';
import { createAnthropicInterpreter } from '../../../shared/interpreters/anthropic-interpreter.ts';
import {
  decodeChunks,
  decoderFor,
  firstOutput,
  fixtureBytes,
  fixtureJson,
  replay,
  replayEvents,
} from '../fixtures.ts';

describe('Anthropic Messages streams', () => {
  it('anthropic-messages-stream.sse: padded JSON, ping, text deltas', () => {
    const run = replay('anthropic.messages', 'anthropic-messages-stream.sse');
    expect(run.result).toEqual({
      model: 'claude-sonnet-4-6',
      merged: {
        text: 'The current exchange rate is **1 USD = 0.92 EUR**. This means that for every US Dollar, you get approximately **92 Euro cents**. Keep in mind that exchange rates fluctuate constantly, so this rate may change throughout the day.',
        refusal: null,
        reasoning: null,
        toolCalls: [],
        finishReason: 'end_turn',
      },
      usage: {
        inputTokens: 1007,
        outputTokens: 59,
        cachedTokens: 0,
        reasoningTokens: null,
        totalTokens: 1066,
        cacheWriteTokens: 0,
      },
      terminated: true,
      streamError: null,
    });
    expect(run.outputEvents).toEqual([3, 4, 5, 6]);
    expect(firstOutput(run)).toMatchObject({ delta: { type: 'text_delta', text: 'The' } });
  });

  it('anthropic-messages-stream-minimal.sse', () => {
    const run = replay('anthropic.messages', 'anthropic-messages-stream-minimal.sse');
    expect(run.result.model).toBe('claude-sonnet-4-5-20250929');
    expect(run.result.merged.text).toBe('2');
    expect(run.result.merged.finishReason).toBe('end_turn');
    expect(run.result.usage).toEqual({
      inputTokens: 20,
      outputTokens: 5,
      cachedTokens: 0,
      reasoningTokens: null,
      totalTokens: 25,
      cacheWriteTokens: 0,
    });
    expect(run.result.terminated).toBe(true);
    expect(run.outputEvents).toEqual([3]);
  });

  it('anthropic-messages-stream-tool-use.sse: server and client tool calls, input replaced by message_delta', () => {
    const run = replay('anthropic.messages', 'anthropic-messages-stream-tool-use.sse');
    expect(run.result.merged).toEqual({
      text:
        'Let me search for a tool that can provide current exchange rate information.\n\n' +
        'I found the right tool! Let me fetch the current USD to EUR exchange rate for you.',
      refusal: null,
      reasoning: null,
      toolCalls: [
        {
          id: 'srvtoolu_01S5swZdBmTzLDVzwcT5LbHp',
          name: 'tool_search_tool_bm25',
          arguments: '{"query": "USD EUR exchange rate currency conversion"}',
        },
        {
          id: 'toolu_01EFn5wTNBYA8Reni8rbmnHT',
          name: 'get_exchange_rate',
          arguments: '{"from_currency": "USD", "to_currency": "EUR"}',
        },
      ],
      finishReason: 'tool_use',
    });
    // message_start said 702 input tokens; the server tool's second pass made it 1591 by message_delta.
    expect(run.result.usage).toEqual({
      inputTokens: 1591,
      outputTokens: 175,
      cachedTokens: 0,
      reasoningTokens: null,
      totalTokens: 1766,
      cacheWriteTokens: 0,
    });
    expect(run.result.terminated).toBe(true);
  });

  it('anthropic-messages-stream-thinking-error.sse: thinking, then an in-band error', () => {
    const run = replay('anthropic.messages', 'anthropic-messages-stream-thinking-error.sse');
    expect(run.result).toEqual({
      model: 'claude-sonnet-4-5-20250929',
      merged: {
        text: '27 × 453 = 12,231',
        refusal: null,
        reasoning: 'Let me work out 27 × 453. 27 × 453 = 12231.',
        toolCalls: [],
        finishReason: null,
      },
      usage: null,
      terminated: false,
      streamError: { type: 'overloaded_error', message: 'Overloaded' },
    });
    // The signature_delta is not output.
    expect(run.outputEvents).toEqual([3, 4, 8, 9]);
    expect(firstOutput(run)).toMatchObject({ delta: { type: 'thinking_delta' } });
  });

  it('cut before message_delta: usage null even though message_start had some', () => {
    const bytes = fixtureBytes('anthropic-messages-stream.sse');
    const cut = Buffer.from(bytes).indexOf('event: message_delta');
    const run = replayEvents(
      'anthropic.messages',
      decodeChunks(decoderFor('x.sse'), [bytes.subarray(0, cut)]),
    );
    expect(run.result.usage).toBeNull();
    expect(run.result.terminated).toBe(false);
    expect(run.result.merged.finishReason).toBeNull();
  });

  it('message_delta with only output_tokens keeps message_start input fields', () => {
    const interpreter = createAnthropicInterpreter();
    interpreter.pushEvent({
      event: 'message_start',
      data: '{"type":"message_start","message":{"model":"claude-3-5-haiku-20241022","usage":{"input_tokens":10,"cache_read_input_tokens":90,"cache_creation_input_tokens":5,"output_tokens":1}}}',
    });
    interpreter.pushEvent({
      event: 'message_delta',
      data: '{"type":"message_delta","delta":{"stop_reason":"max_tokens"},"usage":{"output_tokens":42}}',
    });
    expect(interpreter.snapshot().usage).toEqual({
      inputTokens: 105,
      outputTokens: 42,
      cachedTokens: 90,
      reasoningTokens: null,
      totalTokens: 147,
      cacheWriteTokens: 5,
    });
    expect(interpreter.snapshot().merged.finishReason).toBe('max_tokens');
  });

  it('a tool with no input deltas keeps its start input', () => {
    const interpreter = createAnthropicInterpreter();
    interpreter.pushEvent({
      event: 'content_block_start',
      data: '{"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_1","name":"now","input":{}}}',
    });
    expect(interpreter.snapshot().merged.toolCalls).toEqual([
      { id: 'toolu_1', name: 'now', arguments: '{}' },
    ]);
  });
});

describe('Anthropic Messages JSON bodies', () => {
  it('anthropic-messages-nonstream.json', () => {
    const interpreter = createAnthropicInterpreter();
    interpreter.readBody(fixtureJson('anthropic-messages-nonstream.json'));
    expect(interpreter.snapshot()).toEqual({
      model: 'claude-sonnet-4-5-20250929',
      merged: {
        text: "I'll check the weather in Paris.",
        refusal: null,
        reasoning: 'The user wants the weather.',
        toolCalls: [
          { id: 'toolu_01Paris000000000000000001', name: 'get_weather', arguments: '{"city":"Paris"}' },
        ],
        finishReason: 'tool_use',
      },
      usage: {
        inputTokens: 4912,
        outputTokens: 87,
        cachedTokens: 3000,
        reasoningTokens: null,
        totalTokens: 4999,
        cacheWriteTokens: 1500,
      },
      terminated: true,
      streamError: null,
    });
  });

  it('an Anthropic error body gives no usage', () => {
    const interpreter = createAnthropicInterpreter();
    interpreter.readBody({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
    expect(interpreter.snapshot().usage).toBeNull();
  });
});
