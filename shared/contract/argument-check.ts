import * as v from 'valibot';

/** A call whose arguments do not match its channel's contract (IPC and HTTP alike). */
export class ArgumentError extends Error {
  constructor(channel: string, problem: string) {
    super(`${channel}: ${problem}`);
    this.name = 'ArgumentError';
  }
}

/** A value's type in words, for error messages: `a string of 3 characters`, `null`, `an array`, `number`. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? `a string of ${value.length} characters` : `${typeof value}`;
}

// What a schema wants, in words, when the schema itself gives no message.
const WANTED: Record<string, string> = {
  string: 'must be a string',
  boolean: 'must be a boolean',
  number: 'must be a number',
  object: 'must be an object',
  loose_object: 'must be an object',
  strict_object: 'must be an object',
  array: 'must be an array',
};

/** The default message of an issue: a predicate on the value (`must be a string`), never the value. */
function wanted(issue: v.BaseIssue<unknown>): string {
  const known = WANTED[issue.type];
  if (known) return known;
  if (issue.type === 'picklist' || issue.type === 'literal')
    return `must be ${String(issue.expected)
      .replace(/^\((.*)\)$/, '$1')
      .split(' | ')
      .join(' or ')}`;
  return `must be ${issue.expected ?? 'valid'}`;
}

/** `request.ids[1]`: the argument's name, then the issue's path. */
function pathOf(name: string, path: readonly { key: unknown }[] | undefined): string {
  let at = name;
  for (const item of path ?? [])
    at += typeof item.key === 'number' ? `[${item.key}]` : `.${String(item.key)}`;
  return at;
}

/**
 * The one issue worth reporting: inside a union (a fault is a string or an object), the option
 * that got furthest, which is the one whose issue sits deeper or is not about the value's type.
 */
function deepest(issue: v.BaseIssue<unknown>): { issue: v.BaseIssue<unknown>; path: { key: unknown }[] } {
  const path = [...(issue.path ?? [])];
  if (issue.type !== 'union' || !issue.issues?.length) return { issue, path };
  const ranked = issue.issues.map(deepest);
  const rank = (r: (typeof ranked)[number]) => r.path.length * 2 + (r.issue.kind === 'schema' ? 0 : 1);
  const best = ranked.reduce((a, b) => (rank(b) > rank(a) ? b : a));
  if (rank(best) === 0) return { issue, path };
  return { issue: best.issue, path: [...path, ...best.path] };
}

/** The schema of the value at `keys` inside `schema`, through objects, arrays and optional or nullable wrappers. */
function schemaAt(schema: v.GenericSchema, keys: readonly unknown[]): v.GenericSchema | null {
  let at: unknown = schema;
  for (const key of keys) {
    while (typeof at === 'object' && at !== null && 'wrapped' in at) at = at.wrapped;
    if (typeof key === 'number' && typeof at === 'object' && at !== null && 'item' in at) at = at.item;
    else if (typeof key === 'string' && typeof at === 'object' && at !== null && 'entries' in at)
      at = (at.entries as Record<string, unknown>)[key];
    else return null;
  }
  return (at as v.GenericSchema | undefined) ?? null;
}

const CONFIG = { message: wanted, abortEarly: true } as const;

/** The message of a failed check: `request.ids[1] must be a string, got number`. */
function messageOf(schema: v.GenericSchema, name: string, first: v.BaseIssue<unknown>): string {
  const { issue, path } = deepest(first);
  const at = pathOf(name, path);
  const keys = path.map((item) => item.key);
  if (OBJECTS.has(issue.type) && issue.input === undefined && keys.length > 0) {
    // A missing field: what its own schema says of undefined (`must be a string, got undefined`).
    const field = schemaAt(schema, keys);
    const problem = field ? v.safeParse(field, undefined, CONFIG) : null;
    const own = problem && !problem.success ? problem.issues[0] : null;
    return own ? `${at} ${own.message}, got undefined` : `${at} is missing`;
  }
  // A type mismatch says what came instead; a failed validation (a length, a form) says why.
  if (issue.kind === 'schema') return `${at} ${issue.message}, got ${describe(issue.input)}`;
  return issue.kind === 'transformation' ? `${at}: ${issue.message}` : `${at} ${issue.message}`;
}

const OBJECTS = new Set(['object', 'loose_object', 'strict_object']);

/** Checks one value against its schema; throws an Error naming `name` and what is wrong. */
export function parseWith<S extends v.GenericSchema>(
  schema: S,
  value: unknown,
  name: string,
): v.InferOutput<S> {
  const result = v.safeParse(schema, value, CONFIG);
  if (result.success) return result.output;
  throw new Error(messageOf(schema, name, result.issues[0]));
}
