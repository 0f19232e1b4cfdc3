import { describe, expect, it } from 'vitest';
import { createEmbeddingsInterpreter } from '../../../shared/interpreters/embeddings-interpreter.ts';
import { fixtureJson } from '../fixtures.ts';

describe('embeddings bodies', () => {
  it('openai-embeddings-base64.compact.json', () => {
    const interpreter = createEmbeddingsInterpreter();
    interpreter.readBody(fixtureJson('openai-embeddings-base64.compact.json'));
    expect(interpreter.snapshot()).toEqual({
      model: 'text-embedding-3-small',
      merged: { text: '', refusal: null, reasoning: null, toolCalls: [], finishReason: null },
      usage: { inputTokens: 6, outputTokens: 0, cachedTokens: null, reasoningTokens: null, totalTokens: 6 },
      terminated: true,
      streamError: null,
    });
  });

  it('openai-embeddings-float.truncated.json', () => {
    const interpreter = createEmbeddingsInterpreter();
    interpreter.readBody(fixtureJson('openai-embeddings-float.truncated.json'));
    const result = interpreter.snapshot();
    expect(result.model).toBe('text-embedding-3-small');
    expect(result.usage).toEqual({
      inputTokens: 12,
      outputTokens: 0,
      cachedTokens: null,
      reasoningTokens: null,
      totalTokens: 12,
    });
  });

  it('never treats an event as output', () => {
    expect(createEmbeddingsInterpreter().pushEvent({ event: null, data: '{"data":[]}' })).toBe(false);
  });
});
