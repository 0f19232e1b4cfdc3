import {
  EXCHANGE_STATES,
  failureKindOf,
  isAborted,
  isComplete,
  isFailed,
  isLive,
  isUpstreamHttpError,
} from '../../shared/exchange/exchange-lifecycle.ts';
import type { ExchangeSummary } from '../../shared/exchange/exchange-record.ts';
import { API_KINDS } from '../../shared/interpreters/api-kind.ts';
import { apiLabel } from '../format.ts';
import type { CompareOp, NumField, ParsedQuery, Term, TextField } from './query-parse.ts';
import { parseQuery } from './query-parse.ts';

export type Matcher = (summary: ExchangeSummary) => boolean;

/** What the main side answered for each `text:"…"` term (lowercased text → ids of the exchanges that hold it). */
export type TextHits = ReadonlyMap<string, ReadonlySet<string>>;

/**
 * Compiles a query (text or parsed) into a predicate over summaries; the empty query matches all.
 * A `text:"…"` term matches the exchanges in `hits` for it: none until the main side has answered.
 */
export function compileQuery(query: string | ParsedQuery, hits: TextHits | null = null): Matcher {
  const parsed = typeof query === 'string' ? parseQuery(query) : query;
  // Cheap field tests first, so free-text search only runs over rows that passed them.
  const cost = (t: Term) => (t.kind === 'text' ? 2 : t.kind === 'field' ? 1 : 0);
  const tests = [...parsed.terms].sort((a, b) => cost(a) - cost(b)).map((t) => compileTerm(t, hits));
  if (tests.length === 0) return () => true;
  return (summary) => {
    for (const test of tests) if (!test(summary)) return false;
    return true;
  };
}

function compileTerm(term: Term, hits: TextHits | null): Matcher {
  if (term.kind === 'search') {
    const ids = hits?.get(term.text);
    const found: Matcher = ids ? (s) => ids.has(s.id) : () => false;
    return term.negate ? (s) => ids !== undefined && !found(s) : found;
  }
  const positive = compilePositive(term);
  return term.negate ? (s) => !positive(s) : positive;
}

function compilePositive(term: Exclude<Term, { kind: 'search' }>): Matcher {
  switch (term.kind) {
    case 'text':
      return textMatcher(term.text);
    case 'field':
      return fieldMatcher(term.field, term.value);
    case 'is':
      switch (term.value) {
        case 'error':
          return isFailed;
        case 'aborted':
          return isAborted;
        case 'streaming':
          return (s) => s.stream;
        case 'live':
          return isLive;
        case 'complete':
          return isComplete;
      }
      break;
    case 'has':
      switch (term.value) {
        case 'usage':
          return (s) => s.usage !== null;
        case 'cost':
          return (s) => s.costUsd !== null;
        case 'model':
          return (s) => s.model !== null;
        case 'tenant':
          return (s) => s.tenant !== null;
        case 'provider':
          return (s) => s.provider !== undefined;
        case 'ttft':
          return (s) => s.timings.firstTokenMs !== null;
        case 'error':
          return (s) => s.error !== null;
      }
      break;
    case 'compare': {
      const read = numberOf(term.field);
      const cmp = comparator(term.op, term.value);
      // Unknown values (no usage, no cost) match no comparison: unknown is not zero.
      return (s) => {
        const v = read(s);
        return v !== null && cmp(v);
      };
    }
  }
}

// V8 lower-cases an already lower-case ASCII string without copying; a cache costs more than that.
const lower = (value: string): string => value.toLowerCase();

/**
 * A test over field values, remembered per distinct value: a column holds a few models, tenants and
 * paths over 100,000 rows, so each is lower-cased and searched once, not once per row.
 */
function perValue(test: (value: string) => boolean): (value: string) => boolean {
  const seen = new Map<string, boolean>();
  return (value) => {
    let result = seen.get(value);
    if (result === undefined) {
      result = test(value);
      // Bounded: a column of unique values (error messages) costs a test per row, not memory.
      if (seen.size < 4096) seen.set(value, result);
    }
    return result;
  };
}

/** Free text: a case-insensitive substring of path, model, tenant, method, API, status, state or error. */
function textMatcher(needle: string): Matcher {
  // What does not depend on the row is decided once, not 100,000 times.
  const apis = new Set(API_KINDS.filter((api) => api.includes(needle) || apiLabel(api).includes(needle)));
  const states = new Set(EXCHANGE_STATES.filter((state) => state.includes(needle)));
  const digits = /^\d+$/.test(needle);
  const contains = perValue((value) => lower(value).includes(needle));
  return (s) =>
    apis.has(s.api) ||
    states.has(s.state) ||
    contains(s.path) ||
    (s.model !== null && contains(s.model)) ||
    (s.tenant !== null && contains(s.tenant)) ||
    contains(s.method) ||
    (digits && s.status !== null && String(s.status).includes(needle)) ||
    (s.error !== null && (lower(s.error.message).includes(needle) || errorNames(s).some(contains)));
}

/** The names an exchange's failure goes by: its kind, and for an upstream HTTP error the provider's type and code. */
function errorNames(s: ExchangeSummary): string[] {
  const kind = failureKindOf(s);
  if (kind === null) return [];
  const names: string[] = [kind];
  if (!isUpstreamHttpError(s)) return names;
  if (s.error.type !== null) names.push(s.error.type);
  if (s.error.code !== null) names.push(s.error.code);
  return names;
}

function fieldMatcher(field: TextField, value: string): Matcher {
  const exact = valueTest(value, field === 'api' || field === 'path');
  // API kinds and states are lower-case already; the rest is compared lower-cased.
  const test = perValue(field === 'api' || field === 'state' ? exact : (v) => exact(lower(v)));
  switch (field) {
    case 'model':
      return (s) => s.model !== null && test(s.model);
    case 'tenant':
      return (s) => s.tenant !== null && test(s.tenant);
    case 'provider':
      return (s) => s.provider !== undefined && test(s.provider);
    case 'api':
      return (s) => test(s.api) || test(apiLabel(s.api));
    case 'method':
      return (s) => test(s.method);
    case 'state':
      return (s) => test(s.state);
    case 'path':
      return (s) => test(s.path);
    case 'error':
      return (s) => errorNames(s).some(test);
  }
}

/** Exact (case-insensitive) with `*` wildcards; `prefix` also accepts a dotted or slashed prefix (`api:openai`). */
function valueTest(value: string, prefix: boolean): (candidate: string) => boolean {
  if (value.includes('*')) {
    const source = value
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*');
    const re = new RegExp(`^${source}$`);
    return (c) => re.test(c);
  }
  return prefix ? (c) => c.startsWith(value) : (c) => c === value;
}

function numberOf(field: NumField): (s: ExchangeSummary) => number | null {
  switch (field) {
    case 'status':
      return (s) => s.status;
    case 'tokens':
      return (s) => s.usage?.totalTokens ?? null;
    case 'input':
      return (s) => s.usage?.inputTokens ?? null;
    case 'output':
      return (s) => s.usage?.outputTokens ?? null;
    case 'cached':
      return (s) => s.usage?.cachedTokens ?? null;
    case 'reasoning':
      return (s) => s.usage?.reasoningTokens ?? null;
    case 'cost':
      return (s) => s.costUsd;
    case 'ttft':
      return (s) => s.timings.firstTokenMs;
    case 'duration':
      return (s) => s.timings.totalMs;
  }
}

function comparator(op: CompareOp, value: number): (v: number) => boolean {
  switch (op) {
    case '>':
      return (v) => v > value;
    case '>=':
      return (v) => v >= value;
    case '<':
      return (v) => v < value;
    case '<=':
      return (v) => v <= value;
    case '=':
      return (v) => v === value;
  }
}
