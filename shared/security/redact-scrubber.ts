/**
 * Scrubbing the secret values a request carried (its API key, cookies, signatures) out of
 * everything captured about it: a key the upstream echoes in an error body or a header, or one
 * inside the request's JSON body, never reaches a stored, exported or displayed byte.
 */

import type { FoundSecret } from '../exchange/capture-events.ts';
import { decodeComponent } from './redact-query.ts';

/** Shorter values are not scrubbed: they would match ordinary text, and no real key is that short. */
export const MIN_SECRET_LENGTH = 8;

const REDACTED = '[redacted]';

/**
 * Adds to `out` the secret values inside one secret header's value (or query value): the whole
 * value, the credentials after an auth scheme (`Bearer sk-…`, `Basic …` and the password it
 * encodes), the `name=value` parameters of schemes like AWS SigV4 (`Signature=…`), and each
 * cookie's value. `cookie`: the value is a `Cookie` list, or a `Set-Cookie` (whose attributes
 * after the first pair, `Path=/v1` …, are not secret).
 */
export function secretPieces(
  value: string,
  out: string[],
  cookie: 'cookie' | 'set-cookie' | null = null,
): void {
  const whole = value.trim();
  add(out, whole);
  if (cookie !== null) {
    const pairs = whole.split(';');
    for (const pair of cookie === 'set-cookie' ? pairs.slice(0, 1) : pairs) {
      const eq = pair.indexOf('=');
      if (eq > 0) add(out, unquote(pair.slice(eq + 1).trim()));
    }
    return;
  }
  const bearer = BEARER.exec(whole);
  if (bearer !== null) {
    add(out, bearer[1] as string);
    return;
  }
  const parts = whole.split(/[\s,]+/);
  if (parts.length < 2) return;
  const scheme = parts[0] as string;
  if (!/^[A-Za-z][\w-]*$/.test(scheme)) return;
  const credentials = whole.slice(scheme.length).trim();
  add(out, credentials);
  if (/^basic$/i.test(scheme)) {
    const decoded = decodeBase64(credentials);
    if (decoded !== null) {
      add(out, decoded);
      add(out, decoded.slice(decoded.indexOf(':') + 1));
    }
  }
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i] as string;
    const eq = part.indexOf('=');
    add(out, eq > 0 && /^[\w-]+$/.test(part.slice(0, eq)) ? unquote(part.slice(eq + 1)) : part);
  }
}

const BEARER = /^Bearer +([^\s,]+)$/i;

function add(out: string[], piece: string): void {
  if (piece.length >= MIN_SECRET_LENGTH && piece !== REDACTED && !out.includes(piece)) out.push(piece);
}

function unquote(text: string): string {
  return text.length >= 2 && text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1) : text;
}

function decodeBase64(text: string): string | null {
  try {
    return atob(text);
  } catch {
    return null;
  }
}

/**
 * The forms a secret takes in captured text: as it is, JSON-escaped (with and without `\/`, and
 * Go's `\u003c`-style escapes), and percent-encoded (upper and lower case hex, `+` for spaces).
 */
function formsOf(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  const percent = encodeURIComponent(secret);
  const forms = [
    secret,
    json,
    json.replaceAll('/', '\\/'),
    json.replaceAll('<', '\\u003c').replaceAll('>', '\\u003e').replaceAll('&', '\\u0026'),
    percent,
    percent.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()),
    percent.replaceAll('%20', '+'),
  ];
  return [...new Set(forms)];
}

/**
 * The secret values to scrub for what the redaction found: each value with the credentials
 * inside it (see `secretPieces`), as sent and percent-decoded.
 */
export function secretsOf(found: readonly FoundSecret[]): string[] {
  const out: string[] = [];
  for (const { name, value } of found) {
    const cookie = name === 'cookie' || name === 'set-cookie' ? name : null;
    secretPieces(value, out, cookie);
    const decoded = value.includes('%') || value.includes('+') ? decodeComponent(value) : value;
    if (decoded !== value) secretPieces(decoded, out, cookie);
  }
  return out;
}

/** Removes a fixed set of secret values, in all their forms, from text and from whole records. */
export class SecretScrubber {
  readonly #pattern: RegExp | null;
  /**
   * The forms no other form is inside of: every match contains one of them, so a text without any
   * is left as it is after a few substring searches (much cheaper than running the pattern over a
   * 300 KB body that holds no secret, which is nearly every body).
   */
  readonly #cores: readonly string[];

  /** The scrubber for the secret values the redaction found (one per key: keys repeat on every request). */
  static of(found: readonly FoundSecret[]): SecretScrubber {
    if (found.length === 0) return NOTHING;
    const id = found.map(({ name, value }) => `${name}\0${value}`).join('\0');
    let scrubber = scrubbers.get(id);
    if (scrubber === undefined) {
      scrubber = new SecretScrubber(secretsOf(found));
      if (scrubbers.size >= SCRUBBER_CACHE) scrubbers.clear();
      scrubbers.set(id, scrubber);
    }
    return scrubber;
  }

  constructor(secrets: readonly string[]) {
    const forms = new Set<string>();
    for (const secret of secrets)
      if (secret.length >= MIN_SECRET_LENGTH) for (const form of formsOf(secret)) forms.add(form);
    // Longest first, so a secret that contains another is removed whole.
    const sorted = [...forms].sort((a, b) => b.length - a.length);
    this.#pattern = sorted.length === 0 ? null : new RegExp(sorted.map(escapeRegExp).join('|'), 'g');
    this.#cores = sorted.filter((form) => !sorted.some((other) => other !== form && form.includes(other)));
  }

  /** True when `text` may hold a secret (it holds one of the cores). */
  #mayHold(text: string): boolean {
    for (const core of this.#cores) if (text.includes(core)) return true;
    return false;
  }

  /** True when a string of `value` (or the joined text of a `chunks` array) may hold a secret. */
  #mayBeIn(value: unknown, key: string): boolean {
    if (typeof value === 'string') return this.#mayHold(value);
    if (value === null || typeof value !== 'object') return false;
    if (Array.isArray(value)) {
      if (key === 'chunks' && this.#mayHold(chunkTexts(value).join(''))) return true;
      for (const item of value) if (this.#mayBeIn(item, '')) return true;
      return false;
    }
    for (const name in value) if (this.#mayBeIn((value as Record<string, unknown>)[name], name)) return true;
    return false;
  }

  /** True when there is nothing to scrub. */
  get empty(): boolean {
    return this.#pattern === null;
  }

  /** The text with every occurrence of a secret replaced by `[redacted]`. */
  text(text: string): string {
    const pattern = this.#pattern;
    if (pattern === null || !this.#mayHold(text)) return text;
    pattern.lastIndex = 0;
    return text.replace(pattern, REDACTED);
  }

  /**
   * A deep copy of a JSON-shaped value (a record, a summary) with secrets scrubbed from every
   * string, or the value itself when none of its strings holds one. An array under `chunks` is
   * scrubbed as one text, so a secret split across network chunks goes too: its first piece
   * becomes `[redacted]`, the rest nothing.
   */
  value<T>(value: T): T {
    if (this.#pattern === null || !this.#mayBeIn(value, '')) return value;
    return this.#deep(value, '') as T;
  }

  #deep(value: unknown, key: string): unknown {
    if (typeof value === 'string') return this.text(value);
    if (Array.isArray(value)) {
      if (key === 'chunks') return this.#chunks(value);
      return value.map((item) => this.#deep(item, ''));
    }
    if (value === null || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const [name, item] of Object.entries(value)) out[name] = this.#deep(item, name);
    return out;
  }

  #chunks(chunks: unknown[]): unknown[] {
    const copies = chunks.map((chunk) => this.#deep(chunk, '') as unknown);
    const texts = chunkTexts(chunks);
    if (texts.length < chunks.length) return copies;
    const joined = texts.join('');
    const pattern = this.#pattern as RegExp;
    pattern.lastIndex = 0;
    const ranges = [...joined.matchAll(pattern)].map((m) => [m.index, m.index + m[0].length] as const);
    if (ranges.length === 0) return copies;
    let base = 0;
    return copies.map((copy, i) => {
      const text = texts[i] as string;
      const data = cut(text, base, ranges);
      base += text.length;
      return { ...(copy as object), data };
    });
  }
}

const NOTHING = new SecretScrubber([]);

/** The `data` texts of chunks, stopping at the first chunk that has none. */
function chunkTexts(chunks: readonly unknown[]): string[] {
  const texts: string[] = [];
  for (const chunk of chunks) {
    const data = chunk !== null && typeof chunk === 'object' ? (chunk as { data?: unknown }).data : undefined;
    if (typeof data !== 'string') break;
    texts.push(data);
  }
  return texts;
}
const scrubbers = new Map<string, SecretScrubber>();
const SCRUBBER_CACHE = 256;

/** `text` (starting at `base` in the joined text) without the parts inside `ranges`. */
function cut(text: string, base: number, ranges: ReadonlyArray<readonly [number, number]>): string {
  const end = base + text.length;
  let out = '';
  let at = base;
  for (const [from, to] of ranges) {
    if (to <= base || from >= end) continue;
    out += text.slice(at - base, Math.max(from, base) - base);
    if (from >= base) out += REDACTED;
    at = Math.min(to, end);
  }
  return out + text.slice(at - base);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
