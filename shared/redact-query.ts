import { REDACTED } from './redact-headers.ts';

/**
 * Query parameters whose values are secrets: Google's `?key=`, `api-key`/`api_key`, OAuth's
 * `access_token`, Azure SAS signatures (`sig`) and the like.
 */
export const SECRET_QUERY_PARAMS: ReadonlySet<string> = new Set([
  'key',
  'api-key',
  'api_key',
  'apikey',
  'access_token',
  'token',
  'sig',
  'signature',
  'secret',
  'client_secret',
  'password',
]);

/**
 * A request path with the values of secret query parameters replaced (`?key=[redacted]`); the
 * rest of the path and query are kept exactly as sent. What is forwarded is never changed: only
 * what is captured, stored and shown.
 */
export function redactQuery(path: string): string {
  const start = path.indexOf('?');
  if (start === -1) return path;
  const query = path.slice(start + 1);
  let changed = false;
  const parts = query.split('&').map((part) => {
    const eq = part.indexOf('=');
    if (eq === -1) return part;
    if (!SECRET_QUERY_PARAMS.has(paramName(part.slice(0, eq)))) return part;
    changed = true;
    return `${part.slice(0, eq)}=${REDACTED}`;
  });
  return changed ? `${path.slice(0, start + 1)}${parts.join('&')}` : path;
}

function paramName(raw: string): string {
  try {
    return decodeURIComponent(raw.replaceAll('+', ' ')).toLowerCase();
  } catch {
    return raw.toLowerCase();
  }
}
