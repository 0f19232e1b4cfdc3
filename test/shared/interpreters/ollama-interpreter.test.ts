import { describe, expect, it } from 'vitest';
import { createOllamaInterpreter } from '../../../shared/interpreters/ollama-interpreter.ts';
import {
  decodeChunks,
  decoderFor,
  firstOutput,
  fixtureBytes,
  fixtureJson,
  replay,
  replayEvents,
} from '../fixtures.ts';

describe('Ollama native /api/chat', () => {
  it('ollama-api-chat-stream-tool-calls.ndjson: thinking, whole tool calls, done line', () => {
    const run = replay('ollama.chat', 'ollama-api-chat-stream-tool-calls.ndjson');
    expect(run.result).toEqual({
      model: 'qwen3:8b',
      merged: {
        text: '',
        refusal: null,
        reasoning: 'The user asks about two cities, so I call get_weather twice.',
        toolCalls: [
          { id: null, name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
          { id: null, name: 'get_weather', arguments: '{"city":"Zürich","unit":"celsius"}' },
        ],
        finishReason: 'stop',
      },
      usage: {
        inputTokens: 186,
        outputTokens: 64,
        cachedTokens: null,
        reasoningTokens: null,
        totalTokens: 250,
      },
      terminated: true,
      streamError: null,
    });
    expect(run.outputEvents).toEqual([0, 1, 2]);
    expect(firstOutput(run)).toMatchObject({ message: { thinking: 'The user asks about two cities,' } });
  });

  it('ollama-api-chat-stream.ndjson: multi-byte text, omitted prompt_eval_count', () => {
    const run = replay('ollama.chat', 'ollama-api-chat-stream.ndjson');
    expect(run.result.model).toBe('llama3.2:3b');
    expect(run.result.merged.text).toBe('Bonjour\u00a0! Ça va très bien 😀');
    expect(run.result.merged.finishReason).toBe('stop');
    expect(run.result.usage).toEqual({
      inputTokens: 0,
      outputTokens: 7,
      cachedTokens: null,
      reasoningTokens: null,
      totalTokens: 7,
    });
    expect(run.result.terminated).toBe(true);
  });

  it('cut before the done line: usage null, not terminated', () => {
    const bytes = fixtureBytes('ollama-api-chat-stream-tool-calls.ndjson');
    const cut = Buffer.from(bytes).indexOf('"done_reason"');
    const run = replayEvents('ollama.chat', decodeChunks(decoderFor('x.ndjson'), [bytes.subarray(0, cut)]));
    expect(run.result.usage).toBeNull();
    expect(run.result.terminated).toBe(false);
    expect(run.result.merged.toolCalls).toHaveLength(2);
  });

  it('an error line', () => {
    const interpreter = createOllamaInterpreter();
    interpreter.pushEvent({
      event: null,
      data: '{"error":"model \\"nope\\" not found, try pulling it first"}',
    });
    expect(interpreter.snapshot().streamError).toEqual({
      type: 'error',
      message: 'model "nope" not found, try pulling it first',
    });
  });

  it('ollama-api-chat-nonstream.json', () => {
    const interpreter = createOllamaInterpreter();
    interpreter.readBody(fixtureJson('ollama-api-chat-nonstream.json'));
    expect(interpreter.snapshot()).toEqual({
      model: 'llama3.2:3b',
      merged: {
        text: 'Paris is the capital of France.',
        refusal: null,
        reasoning: null,
        toolCalls: [],
        finishReason: 'stop',
      },
      usage: { inputTokens: 31, outputTokens: 8, cachedTokens: null, reasoningTokens: null, totalTokens: 39 },
      terminated: true,
      streamError: null,
    });
  });
});
