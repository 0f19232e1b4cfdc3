import type { HeaderMap } from './capture-events.ts';

/** Headers whose values are secrets: never stored, exported or shown. */
export const SECRET_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'x-api-key',
  'api-key',
  'cookie',
  'set-cookie',
  'proxy-authorization',
]);

export const REDACTED = '[redacted]';

/** Returns a copy of a header map (names lowercased) with every secret value replaced. */
export function redactHeaders(headers: HeaderMap): HeaderMap {
  const out: HeaderMap = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    out[lower] = SECRET_HEADERS.has(lower)
      ? Array.isArray(value)
        ? value.map(() => REDACTED)
        : REDACTED
      : value;
  }
  return out;
}
