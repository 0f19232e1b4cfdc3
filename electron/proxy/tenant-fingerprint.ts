import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { decodeComponent } from '../../shared/security/redact-query.ts';

/** Headers that carry an API key by themselves (no `Bearer`), in the order they are looked at. */
const KEY_HEADERS = ['x-api-key', 'api-key', 'x-goog-api-key', 'ocp-apim-subscription-key'] as const;

/** Google's `?key=` (and `api-key`/`api_key`): the first one in the query, any case. */
const QUERY_KEY = /[?&;](?:key|api[-_]?key)=([^&;#]+)/i;

/**
 * The API key a request carries, from `Authorization: Bearer`, `x-api-key`, `api-key`,
 * `x-goog-api-key` (Gemini), `ocp-apim-subscription-key` (Azure API Management) or, failing
 * those, the URL's `?key=`; null when none.
 */
export function apiKeyOf(headers: IncomingHttpHeaders, path?: string): string | null {
  const authorization = headers.authorization;
  if (authorization) {
    const match = /^\s*Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (match?.[1]) return match[1];
  }
  for (const name of KEY_HEADERS) {
    const key = headers[name];
    const value = (Array.isArray(key) ? key[0] : key)?.trim();
    if (value) return value;
  }
  const inQuery = path === undefined || !path.includes('?') ? undefined : QUERY_KEY.exec(path)?.[1];
  return inQuery ? decodeComponent(inQuery) : null;
}

// Keys repeat on every request; hashing each one once keeps the forwarding path cheap.
const cache = new Map<string, string>();
const CACHE_LIMIT = 1024;

/**
 * A stable, non-reversible name for an API key: its vendor prefix, last four characters and a
 * short hash (`sk-…wxyz·3f9a1c`). Short keys show no characters at all, only the hash.
 */
export function fingerprintApiKey(key: string): string {
  const cached = cache.get(key);
  if (cached) return cached;
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 6);
  const prefix = /^(sk-ant-|sk-|[a-z]{2,8}[-_])/i.exec(key)?.[1] ?? '';
  const fingerprint = key.length >= 20 ? `${prefix}…${key.slice(-4)}·${hash}` : `…·${hash}`;
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, fingerprint);
  return fingerprint;
}
