import { isRecord } from '../wire/json-fields.ts';

/**
 * Small combinators for checking JSON read from outside (imported files) against a type, with
 * a precise reason on failure: `missing field \`request.url\``, `field \`seq\` must be an
 * integer, got the string "3"`.
 */
export interface Shape {
  /** What the value must be, in words: `a string or null`. */
  what: string;
  accepts(value: unknown): boolean;
  /** Checks inside a value that `accepts` let through (object fields, array items). */
  inner?(value: unknown, path: string): string | null;
}

export const string: Shape = { what: 'a string', accepts: (v) => typeof v === 'string' };
export const boolean: Shape = { what: 'a boolean', accepts: (v) => typeof v === 'boolean' };
export const number: Shape = {
  what: 'a number',
  accepts: (v) => typeof v === 'number' && Number.isFinite(v),
};
export const integer: Shape = { what: 'an integer', accepts: (v) => Number.isSafeInteger(v) };

// The form `toISOString` writes, and what HAR's `startedDateTime` accepts.
const ISO_DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)$/;

export const isoDate: Shape = {
  what: 'an ISO 8601 date (2026-01-31T12:00:00.000Z)',
  accepts: (v) => typeof v === 'string' && ISO_DATE.test(v) && !Number.isNaN(Date.parse(v)),
};

/** The shape, or null. */
export function nullable(shape: Shape): Shape {
  const inner = shape.inner;
  return {
    what: `${shape.what} or null`,
    accepts: (v) => v === null || shape.accepts(v),
    ...(inner && { inner: (v: unknown, path: string) => (v === null ? null : inner(v, path)) }),
  };
}

/** One of a closed set of strings. */
export function oneOf(values: readonly string[]): Shape {
  return {
    what: `one of ${values.map((v) => `\`${v}\``).join(', ')}`,
    accepts: (v) => typeof v === 'string' && values.includes(v),
  };
}

/** An array whose every item has the shape. */
export function arrayOf(item: Shape): Shape {
  return {
    what: 'an array',
    accepts: Array.isArray,
    inner: (v, path) => {
      const items = v as unknown[];
      for (let i = 0; i < items.length; i++) {
        const reason = check(item, items[i], `${path}[${i}]`);
        if (reason) return reason;
      }
      return null;
    },
  };
}

/** An object with these required fields and, when present, these optional ones; other fields are allowed. */
export function object(fields: Record<string, Shape>, optional: Record<string, Shape> = {}): Shape {
  return {
    what: 'an object',
    accepts: isRecord,
    inner: (v, path) => checkFields(v as Record<string, unknown>, path, fields, optional),
  };
}

/** Checks the named fields of an object (path '' for the top level). */
export function checkFields(
  value: Record<string, unknown>,
  path: string,
  fields: Record<string, Shape>,
  optional: Record<string, Shape> = {},
): string | null {
  for (const name in fields) {
    const reason = field(fields[name] as Shape, value, path, name, true);
    if (reason) return reason;
  }
  for (const name in optional) {
    const reason = field(optional[name] as Shape, value, path, name, false);
    if (reason) return reason;
  }
  return null;
}

function field(
  shape: Shape,
  value: Record<string, unknown>,
  path: string,
  name: string,
  required: boolean,
): string | null {
  const at = path === '' ? name : `${path}.${name}`;
  // An explicit undefined counts as missing: JSON cannot say undefined, objects built in code can.
  if (!Object.hasOwn(value, name) || value[name] === undefined) {
    return required ? `missing field \`${at}\`` : null;
  }
  return check(shape, value[name], at);
}

/** Why the value at `path` does not have the shape, or null. */
export function check(shape: Shape, value: unknown, path: string): string | null {
  if (!shape.accepts(value)) return `field \`${path}\` must be ${shape.what}, got ${describe(value)}`;
  return shape.inner?.(value, path) ?? null;
}

/** A value's type in words, for error messages: `the string "abc"`, `null`, `an array`. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return `the string ${JSON.stringify(shown)}`;
  }
  if (typeof value === 'number') return `the number ${value}`;
  return typeof value === 'object' ? 'an object' : String(typeof value);
}
