/**
 * Usage of the endpoints beyond chat, responses and messages, read from their real wire shapes:
 * legacy completions, transcriptions, Ollama's /api/generate and /api/embed, Anthropic's split of
 * cache writes by lifetime, and vLLM's continuous usage, which is a running count, never summed.
 */
import { describe, expect, it } from 'vitest';
import type { ApiKind } from '../../../shared/interpreters/api-kind.ts';
import { createInterpreter } from '../../../shared/interpreters/llm-interpreter.ts';
import type { InterpretedResponse } from '../../../shared/interpreters/llm-response.ts';
import {
  normaliseAnthropicUsage,
  normaliseTranscriptionUsage,
} from '../../../shared/usage/usage-normalise.ts';
import { fixtureJson, replay } from '../fixtures.ts';

function readBody(api: ApiKind, name: string): InterpretedResponse {
  const interpreter = createInterpreter(api);
  if (interpreter === null) throw new Error(`no interpreter for ${api}`);
  interpreter.readBody(fixtureJson(name));
  return interpreter.snapshot();
}

const tokens = (inputTokens: number, outputTokens: number, totalTokens = inputTokens + outputTokens) => ({
  inputTokens,
  outputTokens,
  cachedTokens: null,
  reasoningTokens: null,
  totalTokens,
});

describe('legacy /v1/completions', () => {
  it('reads the text, finish reason, model and usage of an answer', () => {
    const result = readBody('openai.completions', 'openai-completions-nonstream.json');
    expect(result).toMatchObject({ model: 'gpt-3.5-turbo-instruct', terminated: true, streamError: null });
    expect(result.merged).toMatchObject({ text: '\n\nThis is indeed a test', finishReason: 'length' });
    expect(result.usage).toEqual(tokens(5, 7, 12));
  });

  it("takes vLLM's last continuous usage, not the sum of every chunk's", () => {
    const run = replay('openai.completions', 'vllm-completions-stream-continuous-usage.sse');
    expect(run.result.merged.text).toBe('Hello! How can I help?');
    expect(run.result.merged.finishReason).toBe('length');
    expect(run.result.terminated).toBe(true);
    // Summed over the 8 usage-bearing chunks this would be 40 prompt and 35 completion tokens.
    expect(run.result.usage).toEqual(tokens(5, 7, 12));
    expect(run.outputEvents).toHaveLength(7);
  });
});

describe('/v1/audio/transcriptions', () => {
  it('reads token usage, audio input apart (gpt-4o-transcribe)', () => {
    const result = readBody('openai.transcriptions', 'openai-transcription-tokens-usage.json');
    expect(result.merged.text).toMatch(/^Imagine the wildest idea/);
    expect(result.usage).toEqual({ ...tokens(14, 45, 59), inputAudioTokens: 14 });
  });

  it('reads duration usage as seconds of audio, with no tokens (whisper-1)', () => {
    const result = readBody(
      'openai.transcriptions',
      'openai-transcription-verbose-json-duration-usage.truncated.json',
    );
    expect(result.merged.text).toMatch(/^Galileo was an American robotic space program/);
    expect(result.usage).toEqual({ ...tokens(0, 0), audioSeconds: 37 });
  });

  it('reads a streamed transcription: the deltas, then the usage of transcript.text.done', () => {
    const run = replay('openai.transcriptions', 'openai-transcription-stream-tokens-usage.sse');
    expect(run.result.merged.text).toBe('I see skies of blue and clouds of white.');
    expect(run.result.terminated).toBe(true);
    expect(run.result.usage).toEqual({ ...tokens(14, 11, 25), inputAudioTokens: 14 });
    expect(run.outputEvents).toHaveLength(10);
  });

  it('is null for usage it does not know', () => {
    expect(normaliseTranscriptionUsage(undefined)).toBeNull();
    expect(normaliseTranscriptionUsage({ type: 'duration' })).toBeNull();
    expect(normaliseTranscriptionUsage({ type: 'tokens', input_tokens: 3 })).toBeNull();
  });
});

describe("Ollama's /api/generate and /api/embed", () => {
  it('reads a generate stream: text from `response`, counts from the done line', () => {
    const run = replay('ollama.generate', 'ollama-api-generate-stream.ndjson');
    expect(run.result.merged.text).toBe('The sky is blue because of Rayleigh scattering.');
    expect(run.result).toMatchObject({ model: 'llama3.2', terminated: true });
    expect(run.result.merged.finishReason).toBe('stop');
    expect(run.result.usage).toEqual(tokens(26, 259));
  });

  it('reads a generate answer without streaming', () => {
    const result = readBody('ollama.generate', 'ollama-api-generate-nonstream.json');
    expect(result.merged.text).toBe('The sky is blue because it is the color of the sky.');
    expect(result.usage).toEqual(tokens(26, 290));
  });

  it('reads the prompt count of an embed answer', () => {
    const result = readBody('ollama.embed', 'ollama-api-embed.json');
    expect(result).toMatchObject({ model: 'all-minilm', terminated: true });
    expect(result.usage).toEqual(tokens(8, 0));
  });
});

describe('Anthropic cache writes by lifetime', () => {
  it('counts 1-hour writes apart, as part of the cache writes', () => {
    const result = readBody('anthropic.messages', 'anthropic-messages-nonstream-cache-1h.json');
    expect(result.usage).toEqual({
      inputTokens: 8100,
      outputTokens: 50,
      cachedTokens: 3000,
      reasoningTokens: null,
      totalTokens: 8150,
      cacheWriteTokens: 5000,
      cacheWrite1hTokens: 4000,
    });
  });

  it('keeps the split when a stream reports it in message_start', () => {
    const interpreter = createInterpreter('anthropic.messages');
    const usage = {
      input_tokens: 10,
      cache_creation_input_tokens: 300,
      cache_read_input_tokens: 0,
      cache_creation: { ephemeral_5m_input_tokens: 100, ephemeral_1h_input_tokens: 200 },
      output_tokens: 1,
    };
    interpreter?.pushEvent({
      event: 'message_start',
      data: JSON.stringify({ type: 'message_start', message: { model: 'claude-haiku-4-5', usage } }),
    });
    interpreter?.pushEvent({
      event: 'message_delta',
      data: JSON.stringify({
        type: 'message_delta',
        delta: { stop_reason: 'end_turn' },
        usage: { output_tokens: 9 },
      }),
    });
    expect(interpreter?.snapshot().usage).toMatchObject({
      inputTokens: 310,
      outputTokens: 9,
      cacheWriteTokens: 300,
      cacheWrite1hTokens: 200,
    });
  });

  it('has no 1-hour field when nothing went to the 1-hour cache, and sums the split when the total is absent', () => {
    expect(
      normaliseAnthropicUsage({
        input_tokens: 1,
        output_tokens: 1,
        cache_creation_input_tokens: 7,
        cache_creation: { ephemeral_5m_input_tokens: 7, ephemeral_1h_input_tokens: 0 },
      }),
    ).not.toHaveProperty('cacheWrite1hTokens');
    expect(
      normaliseAnthropicUsage({
        input_tokens: 1,
        output_tokens: 1,
        cache_creation: { ephemeral_5m_input_tokens: 2, ephemeral_1h_input_tokens: 3 },
      }),
    ).toMatchObject({ inputTokens: 6, cacheWriteTokens: 5, cacheWrite1hTokens: 3 });
  });
});
