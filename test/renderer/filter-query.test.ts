import { describe, expect, it } from 'vitest';
import { compileQuery } from '../../renderer/filter/query-match.ts';
import { parseQuery, splitTerms } from '../../renderer/filter/query-parse.ts';
import { applySuggestion, suggest } from '../../renderer/filter/query-suggest.ts';
import type { ExchangeSummary } from '../../shared/exchange/exchange-record.ts';
import { sampleRecords, summaryOf } from './support/records.ts';

const rows: ExchangeSummary[] = sampleRecords().map(summaryOf);
const ids = (query: string) => rows.filter(compileQuery(query)).map((s) => s.id);

describe('filter query parser', () => {
  it('splits on spaces and keeps quoted values whole', () => {
    expect(splitTerms('model:gpt-4o  "hello world" -is:error')).toEqual([
      'model:gpt-4o',
      'hello world',
      '-is:error',
    ]);
    expect(splitTerms('tenant:"sk-… 1"')).toEqual(['tenant:sk-… 1']);
  });

  it('reads every kind of term', () => {
    const { terms, errors } = parseQuery(
      'model:GPT-4o -tenant:x is:error has:usage status>=400 cost>0.01 tokens<=10 hello',
    );
    expect(errors).toEqual([]);
    expect(terms).toEqual([
      { kind: 'field', negate: false, field: 'model', value: 'gpt-4o' },
      { kind: 'field', negate: true, field: 'tenant', value: 'x' },
      { kind: 'is', negate: false, value: 'error' },
      { kind: 'has', negate: false, value: 'usage' },
      { kind: 'compare', negate: false, field: 'status', op: '>=', value: 400 },
      { kind: 'compare', negate: false, field: 'cost', op: '>', value: 0.01 },
      { kind: 'compare', negate: false, field: 'tokens', op: '<=', value: 10 },
      { kind: 'text', negate: false, text: 'hello' },
    ]);
  });

  it('names mistakes in plain words and falls back to free text', () => {
    const { terms, errors } = parseQuery('is:broken tokens>lots foo>3');
    expect(errors).toHaveLength(3);
    expect(errors[0]).toContain('is:broken');
    expect(terms.every((t) => t.kind === 'text')).toBe(true);
  });

  it('treats a lone dash as text, not as an empty negation', () => {
    expect(parseQuery('-').terms).toEqual([{ kind: 'text', negate: false, text: '-' }]);
  });
});

describe('filter matcher over captured exchanges', () => {
  it('matches everything when empty', () => {
    expect(ids('')).toHaveLength(rows.length);
  });

  it('model: is exact (case-insensitive) with * wildcards', () => {
    const gpt4o = ['ex-chat', 'ex-tools', 'ex-responses', 'ex-cut'];
    expect(ids('model:gpt-4o-2024-08-06')).toEqual(gpt4o);
    expect(ids('model:GPT-4O-2024-08-06')).toEqual(gpt4o);
    expect(ids('model:gpt-4o')).toEqual(['ex-401']);
    expect(ids('model:gpt-4o*')).toEqual([...gpt4o, 'ex-401']);
    expect(ids('model:claude*')).toEqual(['ex-anthropic']);
    expect(ids('model:gpt')).toEqual([]);
  });

  it('api: accepts the kind or its prefix', () => {
    expect(ids('api:anthropic')).toEqual(['ex-anthropic']);
    expect(ids('api:openai.responses')).toEqual(['ex-responses']);
    expect(ids('api:ollama')).toEqual(['ex-ollama']);
  });

  it('tenant: and has:tenant', () => {
    expect(ids('tenant:sk-…abcd·77e0b2')).toEqual(['ex-tools', 'ex-anthropic']);
    expect(ids('-has:tenant')).toEqual(['ex-ollama']);
  });

  it('is:error, is:aborted, is:streaming and status comparisons', () => {
    expect(ids('is:aborted')).toEqual(['ex-cut']);
    expect(ids('status>=400')).toEqual(['ex-401']);
    expect(ids('is:error')).toEqual(['ex-401']);
    expect(ids('-is:streaming')).toEqual(['ex-401']);
    expect(ids('status:401')).toEqual(['ex-401']);
  });

  it('token and cost comparisons never match unknown usage', () => {
    const withUsage = rows.filter((s) => s.usage !== null).map((s) => s.id);
    expect(ids('tokens>=0')).toEqual(withUsage);
    expect(ids('tokens>=0')).not.toContain('ex-cut');
    expect(ids('-tokens>=0')).toContain('ex-cut');
    expect(ids('tokens>20 tokens<23')).toEqual(['ex-chat']);
    const cost = rows.find((s) => s.id === 'ex-chat')?.costUsd;
    expect(cost).toBeGreaterThan(0);
    expect(ids('cost>0 model:gpt-4o-2024-08-06')).toEqual(['ex-chat', 'ex-tools', 'ex-responses']);
    expect(ids(`cost>=${cost} cost<=${cost}`)).toEqual(['ex-chat']);
  });

  it('free text searches path, model, tenant and status; terms combine with and, - negates', () => {
    expect(ids('/v1/messages')).toEqual(['ex-anthropic']);
    expect(ids('gpt-4o -aborted -status>=400')).toEqual(['ex-chat', 'ex-tools', 'ex-responses']);
    expect(ids('LLAMA')).toEqual(['ex-ollama']);
  });
});

describe('filter autocomplete', () => {
  const facets = {
    models: ['claude-sonnet-4', 'gpt-4o', 'gpt-4o-mini'],
    tenants: ['sk-…abcd·77e0b2'],
    apis: ['anthropic.messages', 'openai.chat'],
    methods: ['POST'],
  };

  it('suggests keys for a partial key', () => {
    expect(suggest('mo', facets).map((s) => s.term)).toContain('model:');
    expect(suggest('is', facets).map((s) => s.term)).toContain('is:');
  });

  it('suggests captured values after a key, keeping a negation', () => {
    expect(suggest('model:gpt', facets).map((s) => s.term)).toEqual(['model:gpt-4o', 'model:gpt-4o-mini']);
    expect(suggest('x -model:cl', facets).map((s) => s.term)).toEqual(['-model:claude-sonnet-4']);
    expect(suggest('is:ab', facets).map((s) => s.term)).toEqual(['is:aborted']);
  });

  it('applies a suggestion to the term being typed', () => {
    expect(applySuggestion('status>=400 model:gp', { term: 'model:gpt-4o', hint: '' })).toBe(
      'status>=400 model:gpt-4o ',
    );
    expect(applySuggestion('mo', { term: 'model:', hint: '' })).toBe('model:');
  });
});
