/**
 * The filter bar's query language: space-separated terms that must all match, `-` before a term
 * negates it, double quotes keep spaces in a term.
 *
 *   free text            substring of path, model, tenant, method, API, status or error
 *   text:"config parser" full-text search of request and response text (a stream's merged answer
 *                        included), case-insensitive, answered by the main side from the session
 *   model:gpt-4o         exact value, case-insensitive, `*` as wildcard (also tenant:, api:, method:, state:)
 *   provider:anthropic   the route the request took (`upstream`: the default, UPSTREAM)
 *   error:rate_limit_error  the error's kind, the provider's error type or its code
 *                        (error:upstream-http-error, error:insufficient_quota, error:RESOURCE_EXHAUSTED)
 *   has:usage            the field is known (usage, cost, model, tenant, provider, ttft, error)
 *   is:error             error | aborted | streaming (a streamed call) | live (still running) | complete | truncated
 *   status>=400          numeric comparisons with > >= < <= = (also status:404): status, tokens,
 *                        input, output, cached, reasoning, cost, ttft, duration
 */

export type TextField = 'model' | 'tenant' | 'provider' | 'api' | 'method' | 'state' | 'path' | 'error';
export type NumField =
  | 'status'
  | 'tokens'
  | 'input'
  | 'output'
  | 'cached'
  | 'reasoning'
  | 'cost'
  | 'ttft'
  | 'duration';
export type IsValue = 'error' | 'aborted' | 'streaming' | 'live' | 'complete';
export type HasValue = 'usage' | 'cost' | 'model' | 'tenant' | 'provider' | 'ttft' | 'error';
export type CompareOp = '>' | '>=' | '<' | '<=' | '=';

export type Term =
  | { kind: 'text'; negate: boolean; text: string }
  /** `text:"…"`: full-text search, lowercased (answered by the main side: `search.text`). */
  | { kind: 'search'; negate: boolean; text: string }
  | { kind: 'field'; negate: boolean; field: TextField; value: string }
  | { kind: 'is'; negate: boolean; value: IsValue }
  | { kind: 'has'; negate: boolean; value: HasValue }
  | { kind: 'compare'; negate: boolean; field: NumField; op: CompareOp; value: number };

export interface ParsedQuery {
  terms: Term[];
  /** Problems in plain words; the offending term is still used, as free text. */
  errors: string[];
}

export const TEXT_FIELDS: readonly TextField[] = [
  'model',
  'tenant',
  'provider',
  'api',
  'method',
  'state',
  'path',
  'error',
];
export const NUM_FIELDS: readonly NumField[] = [
  'status',
  'tokens',
  'input',
  'output',
  'cached',
  'reasoning',
  'cost',
  'ttft',
  'duration',
];
export const IS_VALUES: readonly IsValue[] = ['error', 'aborted', 'streaming', 'live', 'complete'];
export const HAS_VALUES: readonly HasValue[] = [
  'usage',
  'cost',
  'model',
  'tenant',
  'provider',
  'ttft',
  'error',
];

const COMPARE = /^([a-z]+)(>=|<=|>|<|=|:)(.+)$/i;

/** Splits a query into raw terms, honouring double quotes. */
export function splitTerms(input: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  let started = false;
  for (const ch of input) {
    if (ch === '"') {
      quoted = !quoted;
      started = true;
      continue;
    }
    if (!quoted && /\s/.test(ch)) {
      if (started) out.push(current);
      current = '';
      started = false;
      continue;
    }
    current += ch;
    started = true;
  }
  if (started) out.push(current);
  return out;
}

/** Parses the filter bar's text into terms. */
export function parseQuery(input: string): ParsedQuery {
  const terms: Term[] = [];
  const errors: string[] = [];
  for (const raw of splitTerms(input)) {
    let negate = false;
    let body = raw;
    if (body.length > 1 && body.startsWith('-')) {
      negate = true;
      body = body.slice(1);
    }
    if (body === '') continue;
    const term = parseTerm(body, negate, errors);
    terms.push(term);
  }
  return { terms, errors };
}

function parseTerm(body: string, negate: boolean, errors: string[]): Term {
  const m = COMPARE.exec(body);
  if (m === null) return { kind: 'text', negate, text: body.toLowerCase() };
  const key = (m[1] ?? '').toLowerCase();
  const op = m[2] ?? ':';
  const value = m[3] ?? '';
  if (key === 'text' && op === ':') return { kind: 'search', negate, text: value.toLowerCase() };
  if (key === 'is' && op === ':') {
    const v = value.toLowerCase();
    if ((IS_VALUES as readonly string[]).includes(v)) return { kind: 'is', negate, value: v as IsValue };
    errors.push(`is:${value} is not known (try ${IS_VALUES.map((x) => `is:${x}`).join(', ')})`);
    return { kind: 'text', negate, text: body.toLowerCase() };
  }
  if (key === 'has' && op === ':') {
    const v = value.toLowerCase();
    if ((HAS_VALUES as readonly string[]).includes(v)) return { kind: 'has', negate, value: v as HasValue };
    errors.push(`has:${value} is not known (try ${HAS_VALUES.map((x) => `has:${x}`).join(', ')})`);
    return { kind: 'text', negate, text: body.toLowerCase() };
  }
  if ((TEXT_FIELDS as readonly string[]).includes(key)) {
    if (op === ':') return { kind: 'field', negate, field: key as TextField, value: value.toLowerCase() };
    errors.push(`${key} takes ${key}:value, not ${op}`);
    return { kind: 'text', negate, text: body.toLowerCase() };
  }
  if ((NUM_FIELDS as readonly string[]).includes(key)) {
    const number = Number(value.replace(/^\$/, '').replace(/_/g, ''));
    if (value.trim() !== '' && Number.isFinite(number)) {
      return {
        kind: 'compare',
        negate,
        field: key as NumField,
        op: op === ':' ? '=' : (op as CompareOp),
        value: number,
      };
    }
    errors.push(`${key}${op} needs a number`);
    return { kind: 'text', negate, text: body.toLowerCase() };
  }
  // A colon in free text is common (URLs, times): only flag it when it looks like a mistyped key.
  if (op !== ':') errors.push(`${key} is not a field to compare (try ${NUM_FIELDS.join(', ')})`);
  return { kind: 'text', negate, text: body.toLowerCase() };
}

/** Quotes a value for the query language when it holds spaces or quotes. */
export function quoteValue(value: string): string {
  return /[\s"]/.test(value) ? `"${value.replace(/"/g, '')}"` : value;
}
