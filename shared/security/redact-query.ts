import type { FoundSecret } from '../exchange/capture-events.ts';
import { REDACTED } from './redact-headers.ts';
import { isSecretName } from './redact-rule.ts';

/**
 * Whether a query parameter's value is a secret, by the same rule as headers: Google's `?key=`,
 * `api-key`/`x-api-key`, OAuth's `access_token`, `auth`, Azure SAS and S3 signatures (`sig`,
 * `X-Amz-Signature`) and the like, in any case. `name` is already percent-decoded; a PHP-style
 * array suffix (`key[]`, `key[0]`) does not hide it.
 */
export function isSecretQueryParam(name: string): boolean {
  return isSecretName(name.replace(/\[[^\]]*\]$/, ''));
}

// Names repeat on every request (`api-version`, `alt`, `key`): each raw name is judged once.
const verdicts = new Map<string, boolean>();
const VERDICT_LIMIT = 4096;

/** `isSecretQueryParam` of a name as sent (percent-encoded), remembered. */
function isSecretRawName(raw: string): boolean {
  let verdict = verdicts.get(raw);
  if (verdict === undefined) {
    verdict = isSecretQueryParam(decodeComponent(raw));
    if (verdicts.size >= VERDICT_LIMIT) verdicts.clear();
    verdicts.set(raw, verdict);
  }
  return verdict;
}

/**
 * A request path with the values of secret query parameters replaced (`?key=[redacted]`); the
 * rest of the path and query are kept exactly as sent. What is forwarded is never changed: only
 * what is captured, stored and shown. `found`, when given, receives each value replaced, as sent.
 */
export function redactQuery(path: string, found?: FoundSecret[]): string {
  return mapSecretQueryValues(path, (value, name) => {
    found?.push({ name, value });
    return REDACTED;
  });
}

/** Whether a captured path had a secret query value redacted (a resend needs the key again). */
export function hasRedactedQuery(path: string): boolean {
  return mapSecretQueryValues(path, (value) => (value === REDACTED ? '' : value)) !== path;
}

/** A captured path with its redacted secret query values filled in with `secret` (for a resend). */
export function fillRedactedQuery(path: string, secret: string): string {
  return mapSecretQueryValues(path, (value) => (value === REDACTED ? encodeURIComponent(secret) : value));
}

/**
 * Replaces the (raw) value of each secret query parameter; the rest, separators included (`&`
 * and `;`), stays byte for byte.
 */
function mapSecretQueryValues(path: string, replace: (value: string, name: string) => string): string {
  const start = path.indexOf('?');
  if (start === -1) return path;
  let changed = false;
  // Split keeping the separators: odd entries are the `&`/`;` themselves.
  const parts = path
    .slice(start + 1)
    .split(/([&;])/)
    .map((part, i) => {
      const eq = part.indexOf('=');
      if (i % 2 === 1 || eq === -1) return part;
      const raw = part.slice(0, eq);
      if (!isSecretRawName(raw)) return part;
      const value = part.slice(eq + 1);
      const next = replace(value, decodeComponent(raw));
      if (next === value) return part;
      changed = true;
      return `${part.slice(0, eq)}=${next}`;
    });
  return changed ? `${path.slice(0, start + 1)}${parts.join('')}` : path;
}

/** Percent-decodes a query component (`+` as a space); malformed encoding is taken as it is. */
export function decodeComponent(raw: string): string {
  const text = raw.replaceAll('+', ' ');
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
