import { describe, expect, it } from 'vitest';
import { createChatInterpreter } from '../../../shared/interpreters/chat-interpreter.ts';
import { createInterpreter } from '../../../shared/interpreters/llm-interpreter.ts';
import {
  decodeChunks,
  decoderFor,
  firstOutput,
  fixtureBytes,
  fixtureJson,
  fixtureNames,
  replay,
  replayEvents,
} from '../fixtures.ts';

describe('chat completions streams', () => {
  it('openai-chat-stream-usage.sse: text, finish, include_usage chunk', () => {
    const run = replay('openai.chat', 'openai-chat-stream-usage.sse');
    expect(run.result).toEqual({
      model: 'gpt-4o-2024-08-06',
      merged: {
        text: 'The capital of Mexico is Mexico City.',
        refusal: null,
        reasoning: null,
        toolCalls: [],
        finishReason: 'stop',
      },
      usage: { inputTokens: 14, outputTokens: 8, cachedTokens: 0, reasoningTokens: 0, totalTokens: 22 },
      terminated: true,
      streamError: null,
    });
    // The role-only first chunk (content "") is not output; "The" is.
    expect(run.outputEvents).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(firstOutput(run)).toMatchObject({ choices: [{ delta: { content: 'The' } }] });
  });

  it('openai-chat-stream-parallel-tool-calls.sse: two calls reassembled by index', () => {
    const run = replay('openai.chat', 'openai-chat-stream-parallel-tool-calls.sse');
    expect(run.result.merged).toEqual({
      text: '',
      refusal: null,
      reasoning: null,
      toolCalls: [
        { id: 'call_NS4iQj14cDFwc0BnrKqDHavt', name: 'get_weather', arguments: '{"city": "Mexico City"}' },
        { id: 'call_SkGkkGDvHQEEk0CGbnAh2AQw', name: 'get_product_name', arguments: '{}' },
      ],
      finishReason: 'tool_calls',
    });
    expect(run.result.usage).toEqual({
      inputTokens: 417,
      outputTokens: 44,
      cachedTokens: 0,
      reasoningTokens: 0,
      totalTokens: 461,
    });
    expect(run.result.model).toBe('gpt-4o-2024-08-06');
    expect(run.result.terminated).toBe(true);
    expect(firstOutput(run)).toMatchObject({
      choices: [{ delta: { tool_calls: [{ index: 0, function: { name: 'get_weather' } }] } }],
    });
  });

  it('openai-chat-stream-tool-call.sse: one call in five pieces', () => {
    const run = replay('openai.chat', 'openai-chat-stream-tool-call.sse');
    expect(run.result.merged.toolCalls).toEqual([
      { id: 'call_ZR5UUuTt3pf61kjwAJIYdVMj', name: 'get_capital', arguments: '{"country":"UK"}' },
    ]);
    expect(run.result.merged.finishReason).toBe('tool_calls');
    expect(run.result.model).toBe('gpt-4o-mini-2024-07-18');
    expect(run.result.usage).toEqual({
      inputTokens: 53,
      outputTokens: 15,
      cachedTokens: 0,
      reasoningTokens: 0,
      totalTokens: 68,
    });
    expect(run.outputEvents[0]).toBe(0);
  });

  it('azure-openai-chat-stream-usage.sse: skips the prompt-filter chunk, reads reasoning tokens', () => {
    const run = replay('azure.chat', 'azure-openai-chat-stream-usage.sse');
    expect(run.result.model).toBe('gpt-5-nano-2025-08-07');
    expect(run.result.merged.text).toBe('Capital of Denmark.');
    expect(run.result.merged.finishReason).toBe('stop');
    expect(run.result.usage).toEqual({
      inputTokens: 15,
      outputTokens: 78,
      cachedTokens: 0,
      reasoningTokens: 64,
      totalTokens: 93,
    });
    expect(run.result.terminated).toBe(true);
    expect(firstOutput(run)).toMatchObject({ choices: [{ delta: { content: 'Capital' } }] });
  });

  it('azure-openai-chat-stream.sse: no usage chunk means usage null, not zero', () => {
    const run = replay('azure.chat', 'azure-openai-chat-stream.sse');
    expect(run.result.model).toBe('gpt-4o-2024-08-06');
    expect(run.result.merged.text).toBe('Hallo Welt!');
    expect(run.result.merged.finishReason).toBe('stop');
    expect(run.result.usage).toBeNull();
    expect(run.result.terminated).toBe(true);
    expect(run.outputEvents[0]).toBe(2);
  });

  it("azure's leading chunk alone gives no model and no usage", () => {
    const run = replayEvents(
      'azure.chat',
      decodeChunks(decoderFor('x.sse'), [
        fixtureBytes('azure-openai-chat-stream-usage.sse').subarray(0, 420),
      ]),
    );
    expect(run.events).toHaveLength(1);
    expect(run.result.model).toBeNull();
    expect(run.result.usage).toBeNull();
    expect(run.outputEvents).toEqual([]);
  });

  it('vllm-chat-stream-continuous-usage.sse: the last cumulative usage wins', () => {
    const run = replay('openai.chat', 'vllm-chat-stream-continuous-usage.sse');
    expect(run.result.model).toBe('meta-llama/Meta-Llama-3.1-70B-Instruct');
    expect(run.result.merged.text).toBe(
      "Hello Sam. It's nice to meet you. Is there something I can help you with or would you like to chat?",
    );
    expect(run.result.merged.finishReason).toBe('stop');
    expect(run.result.usage).toEqual({
      inputTokens: 46,
      outputTokens: 26,
      cachedTokens: null,
      reasoningTokens: null,
      totalTokens: 72,
    });
    expect(firstOutput(run)).toMatchObject({ choices: [{ delta: { content: 'Hello' } }] });
  });

  it('vLLM usage mid-stream is the count so far', () => {
    const events = replay('openai.chat', 'vllm-chat-stream-continuous-usage.sse').events.slice(0, 3);
    const run = replayEvents('openai.chat', events);
    expect(run.result.usage?.outputTokens).toBe(2);
    expect(run.result.terminated).toBe(false);
  });

  it('ollama-chat-stream-usage.abbreviated.sse: Ollama /v1 usage without details', () => {
    const run = replay('openai.chat', 'ollama-chat-stream-usage.abbreviated.sse');
    expect(run.result.model).toBe('deepseek-r1:1.5b');
    expect(run.result.merged.text).toBe('Hello');
    expect(run.result.merged.finishReason).toBe('length');
    expect(run.result.usage).toEqual({
      inputTokens: 17,
      outputTokens: 40,
      cachedTokens: null,
      reasoningTokens: null,
      totalTokens: 57,
    });
    // Ollama repeats role on every delta; the first one already carries text.
    expect(run.outputEvents).toEqual([0]);
  });

  it('ollama-v1-chat-stream-tool-calls.sse: calls sharing index 0 stay separate by id', () => {
    const run = replay('openai.chat', 'ollama-v1-chat-stream-tool-calls.sse');
    expect(run.result.merged).toEqual({
      text: '',
      refusal: null,
      reasoning: 'Two cities, two calls.',
      toolCalls: [
        { id: 'call_9fsp2k1q', name: 'get_weather', arguments: '{"city":"Paris"}' },
        { id: 'call_t0r4x8mz', name: 'get_weather', arguments: '{"city":"Tokyo"}' },
        { id: 'call_b7n3c5vw', name: 'get_time', arguments: '{"timezone":"Asia/Tokyo"}' },
      ],
      finishReason: 'tool_calls',
    });
    expect(run.result.usage).toEqual({
      inputTokens: 212,
      outputTokens: 71,
      cachedTokens: null,
      reasoningTokens: null,
      totalTokens: 283,
    });
    expect(firstOutput(run)).toMatchObject({ choices: [{ delta: { reasoning: 'Two cities,' } }] });
  });

  it('deepseek-chat-stream-reasoning.crlf.sse: reasoning_content, CRLF, usage on the last choice chunk', () => {
    const run = replay('openai.chat', 'deepseek-chat-stream-reasoning.crlf.sse');
    expect(run.result).toEqual({
      model: 'deepseek-reasoner',
      merged: {
        text: '你好！很高兴见到你 👋',
        refusal: null,
        reasoning: '用户用中文打招呼。',
        toolCalls: [],
        finishReason: 'stop',
      },
      usage: { inputTokens: 10, outputTokens: 24, cachedTokens: 0, reasoningTokens: 14, totalTokens: 34 },
      terminated: true,
      streamError: null,
    });
    expect(firstOutput(run)).toMatchObject({ choices: [{ delta: { reasoning_content: '用户' } }] });
  });

  it('openai-chat-stream-refusal.sse: refusal deltas', () => {
    const run = replay('openai.chat', 'openai-chat-stream-refusal.sse');
    expect(run.result.merged).toEqual({
      text: '',
      refusal: "I'm sorry, I can't help with that.",
      reasoning: null,
      toolCalls: [],
      finishReason: 'stop',
    });
    expect(run.result.usage?.totalTokens).toBe(34);
    // The first chunk's empty refusal is not output.
    expect(run.outputEvents[0]).toBe(1);
  });

  it('prefers reasoning_content over reasoning when a server sends both', () => {
    const interpreter = createChatInterpreter();
    interpreter.pushEvent({
      event: null,
      data: '{"choices":[{"index":0,"delta":{"reasoning_content":"think","reasoning":"think"}}]}',
    });
    expect(interpreter.snapshot().merged.reasoning).toBe('think');
  });

  it('merges only choice 0', () => {
    const interpreter = createChatInterpreter();
    interpreter.pushEvent({ event: null, data: '{"choices":[{"index":1,"delta":{"content":"B"}}]}' });
    interpreter.pushEvent({ event: null, data: '{"choices":[{"index":0,"delta":{"content":"A"}}]}' });
    expect(interpreter.snapshot().merged.text).toBe('A');
  });

  it('reports an in-band error chunk', () => {
    const interpreter = createChatInterpreter();
    interpreter.pushEvent({
      event: null,
      data: '{"error":{"message":"upstream went away","type":"server_error","code":null}}',
    });
    expect(interpreter.snapshot().streamError).toEqual({
      type: 'server_error',
      message: 'upstream went away',
    });
  });

  it('ignores events that are not JSON objects', () => {
    const interpreter = createChatInterpreter();
    for (const data of ['', 'not json', '[]', 'null', '42', '{"choices":"x"}', '{"choices":[null]}']) {
      expect(interpreter.pushEvent({ event: null, data })).toBe(false);
    }
    expect(interpreter.snapshot()).toMatchObject({ model: null, usage: null, terminated: false });
  });

  it('hands out snapshots that later deltas do not change', () => {
    const interpreter = createChatInterpreter();
    interpreter.pushEvent({
      event: null,
      data: '{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"c1","function":{"name":"f","arguments":"{"}}]}}]}',
    });
    const before = interpreter.snapshot();
    interpreter.pushEvent({
      event: null,
      data: '{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"}"}}]}}]}',
    });
    expect(before.merged.toolCalls[0]?.arguments).toBe('{');
    expect(interpreter.snapshot().merged.toolCalls[0]?.arguments).toBe('{}');
  });
});

describe('interrupted chat streams', () => {
  for (const name of [
    'openai-chat-stream-usage.sse',
    'openai-chat-stream-parallel-tool-calls.sse',
    'azure-openai-chat-stream-usage.sse',
    'openai-chat-stream-refusal.sse',
  ]) {
    it(`${name} cut before its usage chunk: usage null, not terminated`, () => {
      const bytes = fixtureBytes(name);
      const cut = Buffer.from(bytes).lastIndexOf('"choices":[],');
      const lineStart = Buffer.from(bytes).lastIndexOf('data: ', cut);
      const run = replayEvents('openai.chat', decodeChunks(decoderFor(name), [bytes.subarray(0, lineStart)]));
      const full = replay('openai.chat', name);
      expect(run.result.usage).toBeNull();
      expect(run.result.terminated).toBe(false);
      expect(run.result.merged).toEqual(full.result.merged);
    });
  }

  it('a stream cut in the middle of an event keeps what came before', () => {
    const bytes = fixtureBytes('openai-chat-stream-parallel-tool-calls.sse');
    const at = Buffer.from(bytes).indexOf('o Ci');
    const run = replayEvents('openai.chat', decodeChunks(decoderFor('x.sse'), [bytes.subarray(0, at)]));
    expect(run.result.merged.toolCalls).toEqual([
      { id: 'call_NS4iQj14cDFwc0BnrKqDHavt', name: 'get_weather', arguments: '{"city": "Mexic' },
    ]);
    expect(run.result.merged.finishReason).toBeNull();
  });
});

describe('chat completions JSON bodies', () => {
  it('openai-chat-nonstream.json', () => {
    const interpreter = createChatInterpreter();
    interpreter.readBody(fixtureJson('openai-chat-nonstream.json'));
    const result = interpreter.snapshot();
    expect(result.model).toBe('gpt-4.1-nano-2025-04-14');
    expect(result.merged.text.startsWith('**Holiday Name:** Galaxy Day  \n\n**Date:** October 31st')).toBe(
      true,
    );
    expect(result.merged.text.endsWith('inspiring individuals to look up and dream beyond our world.')).toBe(
      true,
    );
    expect(result.merged.text).toHaveLength(1842);
    expect(result.merged).toMatchObject({
      refusal: null,
      reasoning: null,
      toolCalls: [],
      finishReason: 'stop',
    });
    expect(result.usage).toEqual({
      inputTokens: 16,
      outputTokens: 363,
      cachedTokens: 0,
      reasoningTokens: 0,
      totalTokens: 379,
    });
    expect(result.terminated).toBe(true);
  });

  it('tool calls, refusal and reasoning in a message', () => {
    const interpreter = createChatInterpreter();
    interpreter.readBody({
      model: 'deepseek-reasoner',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: null,
            reasoning_content: 'Use the tool.',
            tool_calls: [
              { id: 'call_1', type: 'function', function: { name: 'a', arguments: '{"x":1}' } },
              { id: 'call_2', type: 'function', function: { name: 'b', arguments: { y: 2 } } },
            ],
          },
          finish_reason: 'tool_calls',
        },
      ],
      usage: { prompt_tokens: 5, completion_tokens: 6, total_tokens: 11 },
    });
    expect(interpreter.snapshot().merged).toEqual({
      text: '',
      refusal: null,
      reasoning: 'Use the tool.',
      toolCalls: [
        { id: 'call_1', name: 'a', arguments: '{"x":1}' },
        { id: 'call_2', name: 'b', arguments: '{"y":2}' },
      ],
      finishReason: 'tool_calls',
    });
  });

  it('a refusal body', () => {
    const interpreter = createChatInterpreter();
    interpreter.readBody({
      choices: [
        { index: 0, message: { role: 'assistant', content: null, refusal: 'No.' }, finish_reason: 'stop' },
      ],
    });
    expect(interpreter.snapshot().merged).toMatchObject({ text: '', refusal: 'No.' });
    expect(interpreter.snapshot().usage).toBeNull();
  });
});

describe('error bodies through every interpreter', () => {
  const errors = fixtureNames('.json').filter((name) => name.startsWith('openai-error-'));
  it('has the 400, 401, 404 and 429 bodies', () => {
    expect(errors).toHaveLength(5);
  });
  for (const name of errors) {
    for (const api of [
      'openai.chat',
      'openai.responses',
      'openai.embeddings',
      'anthropic.messages',
      'ollama.chat',
    ] as const) {
      it(`${name} via ${api}: no crash, usage null`, () => {
        const interpreter = createInterpreter(api);
        interpreter?.readBody(fixtureJson(name));
        const result = interpreter?.snapshot();
        expect(result?.usage).toBeNull();
        expect(result?.merged.text).toBe('');
        expect(result?.merged.toolCalls).toEqual([]);
        expect(result?.model).toBeNull();
      });
    }
  }

  it('createInterpreter is null for plain HTTP', () => {
    expect(createInterpreter('http')).toBeNull();
  });

  it('readBody tolerates non-objects', () => {
    for (const api of [
      'azure.chat',
      'azure.responses',
      'azure.embeddings',
      'anthropic.messages',
      'ollama.chat',
    ] as const) {
      const interpreter = createInterpreter(api);
      for (const body of [undefined, null, 'text', 3, []]) interpreter?.readBody(body);
      expect(interpreter?.snapshot()).toMatchObject({ usage: null, model: null, terminated: false });
    }
  });
});
