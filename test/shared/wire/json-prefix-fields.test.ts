import { describe, expect, it } from 'vitest';
import { readRequestPrefixMeta } from '../../../shared/interpreters/api-detect.ts';
import { jsonPrefixFields } from '../../../shared/wire/json-prefix-fields.ts';

const NAMES = new Set(['model', 'stream']);

describe('jsonPrefixFields', () => {
  it('reads top-level fields before and after nested values, ignoring nested namesakes', () => {
    const text =
      '{"messages":[{"model":"nested","stream":false,"content":"a \\"}] quote"}],"model":"gpt-4o","stream":true,"x":1}';
    const found = jsonPrefixFields(text, NAMES);
    expect(found.strings.get('model')).toBe('gpt-4o');
    expect(found.booleans.get('stream')).toBe(true);
  });

  it('takes what the cut start says and nothing from a value the cut went through', () => {
    const whole = '{ "model" : "claude-sonnet-4", "stream": false, "messages": [{"content": "long';
    expect(jsonPrefixFields(whole, NAMES).strings.get('model')).toBe('claude-sonnet-4');
    expect(jsonPrefixFields(whole, NAMES).booleans.get('stream')).toBe(false);
    expect(jsonPrefixFields('{"model":"gpt-4', NAMES).strings.has('model')).toBe(false);
    expect(jsonPrefixFields('not json', NAMES).strings.size).toBe(0);
  });

  it('gives the request meta of a cut body, with the stream flag unknown when the start does not say', () => {
    expect(
      readRequestPrefixMeta('openai.chat', '{"model":"gpt-4o","messages":[{"role":"user","content":"x'),
    ).toEqual({
      model: 'gpt-4o',
      stream: null,
    });
    expect(readRequestPrefixMeta('ollama.chat', '{"model":"llama3","messages":[')).toEqual({
      model: 'llama3',
      stream: true,
    });
    expect(readRequestPrefixMeta('azure.chat', '{"model":"x","stream":true,"messages":[')).toEqual({
      model: null,
      stream: true,
    });
  });
});
