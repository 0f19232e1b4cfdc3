import type { FoundSecret, HeaderMap } from '../exchange/capture-events.ts';
import { isSecretName } from './redact-rule.ts';

/** The well-known headers that carry an API key (a resend puts a key back into one of them). */
export const SECRET_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'x-api-key',
  'api-key',
  'cookie',
  'set-cookie',
  'proxy-authorization',
]);

export const REDACTED = '[redacted]';

// Names repeat on every request: judging each one once keeps the forwarding path cheap.
const verdicts = new Map<string, boolean>();
const VERDICT_LIMIT = 4096;

/**
 * Whether a header's value is a secret, by rule rather than by list: its (lowercased) name looks
 * like a key, token, secret, password, signature, credential, cookie or session, and is not one
 * of the look-alikes that only count or name things (`x-ratelimit-remaining-tokens`,
 * `x-amzn-bedrock-input-token-count`, `idempotency-key`, `www-authenticate` …).
 */
export function isSecretHeader(lowerName: string): boolean {
  let verdict = verdicts.get(lowerName);
  if (verdict === undefined) {
    verdict = SECRET_HEADERS.has(lowerName) || isSecretName(lowerName);
    if (verdicts.size >= VERDICT_LIMIT) verdicts.clear();
    verdicts.set(lowerName, verdict);
  }
  return verdict;
}

/**
 * Returns a copy of a header map (names lowercased) with every secret value replaced. `found`,
 * when given, receives the values replaced, as they were, so that the analysis can scrub them
 * from everything else it keeps (expanding them there, off the forwarding path).
 */
export function redactHeaders(headers: HeaderMap, found?: FoundSecret[]): HeaderMap {
  const out: HeaderMap = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (!isSecretHeader(lower)) {
      out[lower] = value;
      continue;
    }
    if (Array.isArray(value)) {
      out[lower] = value.map(() => REDACTED);
      if (found) for (const one of value) found.push({ name: lower, value: one });
    } else {
      out[lower] = REDACTED;
      found?.push({ name: lower, value });
    }
  }
  return out;
}
