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
  return mapSecretQueryValues(path, () => REDACTED);
}

/** Whether a captured path had a secret query value redacted (a resend needs the key again). */
export function hasRedactedQuery(path: string): boolean {
  return mapSecretQueryValues(path, (value) => (value === REDACTED ? '' : value)) !== path;
}

/** A captured path with its redacted secret query values filled in with `secret` (for a resend). */
export function fillRedactedQuery(path: string, secret: string): string {
  return mapSecretQueryValues(path, (value) => (value === REDACTED ? encodeURIComponent(secret) : value));
}

/** Replaces the (raw) value of each secret query parameter; the rest stays byte for byte. */
function mapSecretQueryValues(path: string, replace: (value: string) => string): string {
  const start = path.indexOf('?');
  if (start === -1) return path;
  let changed = false;
  const parts = path
    .slice(start + 1)
    .split('&')
    .map((part) => {
      const eq = part.indexOf('=');
      if (eq === -1 || !SECRET_QUERY_PARAMS.has(paramName(part.slice(0, eq)))) return part;
      const value = part.slice(eq + 1);
      const next = replace(value);
      if (next === value) return part;
      changed = true;
      return `${part.slice(0, eq)}=${next}`;
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
