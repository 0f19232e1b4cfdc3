import { EXCHANGE_STATES } from '../../shared/exchange/exchange-lifecycle.ts';
import { HAS_VALUES, IS_VALUES, NUM_FIELDS, quoteValue } from './query-parse.ts';

/** Values seen in the captured exchanges, for autocomplete. */
export interface Facets {
  models: readonly string[];
  tenants: readonly string[];
  /** Route names seen (`anthropic`, `upstream`); absent: none yet. */
  providers?: readonly string[];
  apis: readonly string[];
  methods: readonly string[];
}

export interface Suggestion {
  /** The whole term to put in place of the one being typed. */
  term: string;
  /** A hint shown next to it. */
  hint: string;
}

const KEY_HINTS: Record<string, string> = {
  'model:': 'model name',
  'tenant:': 'API key fingerprint',
  'provider:': 'route (anthropic, openai, upstream…)',
  'api:': 'API kind',
  'method:': 'HTTP method',
  'error:': 'error kind, type or code (rate_limit_error)',
  'is:': 'error, aborted, streaming, live, complete',
  'has:': 'usage, cost, model, tenant, provider, ttft, error',
  'status>=': 'HTTP status',
  'tokens>': 'total tokens',
  'cost>': 'US dollars',
  'ttft>': 'ms to first token',
  'duration>': 'ms total',
};

/** The term being typed at the end of the input, and where it starts. */
export function currentTerm(input: string): { start: number; text: string } {
  const match = /(\S*)$/.exec(input);
  const text = match?.[1] ?? '';
  return { start: input.length - text.length, text };
}

/** Suggestions for the term at the end of the input, at most `limit`. */
export function suggest(input: string, facets: Facets, limit = 12): Suggestion[] {
  const { text } = currentTerm(input);
  const negate = text.startsWith('-') ? '-' : '';
  const body = negate ? text.slice(1) : text;
  const lower = body.toLowerCase();
  const out: Suggestion[] = [];
  const colon = lower.indexOf(':');
  if (colon !== -1) {
    const key = lower.slice(0, colon);
    const partial = lower.slice(colon + 1);
    const values = valuesFor(key, facets);
    for (const v of values) {
      if (v.toLowerCase().includes(partial) && `${key}:${v}`.toLowerCase() !== lower) {
        out.push({ term: `${negate}${key}:${quoteValue(v)}`, hint: key });
      }
      if (out.length >= limit) break;
    }
    return out;
  }
  if (/[<>=]/.test(lower)) return out;
  for (const [key, hint] of Object.entries(KEY_HINTS)) {
    if (key.startsWith(lower) && key !== lower) out.push({ term: `${negate}${key}`, hint });
  }
  for (const field of NUM_FIELDS) {
    const key = `${field}>`;
    if (lower !== '' && field.startsWith(lower) && !(key in KEY_HINTS) && !(`${field}>=` in KEY_HINTS)) {
      out.push({ term: `${negate}${key}`, hint: 'compare with > >= < <= =' });
    }
  }
  if (lower.length >= 2) {
    for (const model of facets.models) {
      if (model.toLowerCase().includes(lower))
        out.push({ term: `${negate}model:${quoteValue(model)}`, hint: 'model' });
    }
    for (const tenant of facets.tenants) {
      if (tenant.toLowerCase().includes(lower))
        out.push({ term: `${negate}tenant:${quoteValue(tenant)}`, hint: 'tenant' });
    }
  }
  return out.slice(0, limit);
}

function valuesFor(key: string, facets: Facets): readonly string[] {
  switch (key) {
    case 'model':
      return facets.models;
    case 'tenant':
      return facets.tenants;
    case 'provider':
      return facets.providers ?? [];
    case 'api':
      return facets.apis;
    case 'method':
      return facets.methods;
    case 'is':
      return IS_VALUES;
    case 'has':
      return HAS_VALUES;
    case 'state':
      return EXCHANGE_STATES;
    default:
      return [];
  }
}

/** Replaces the term being typed with a suggestion, followed by a space unless it ends in an operator. */
export function applySuggestion(input: string, suggestion: Suggestion): string {
  const { start } = currentTerm(input);
  const open = /[:<>=]$/.test(suggestion.term);
  return `${input.slice(0, start)}${suggestion.term}${open ? '' : ' '}`;
}
