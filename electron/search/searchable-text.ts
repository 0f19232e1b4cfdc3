import type { ExchangeRecord } from '../../shared/exchange/exchange-record.ts';

/** Reads a request body's searchable text: `visit` is called with each of its parts. */
export type BodyParts = (body: string, visit: (text: string) => void) => void;

/**
 * What full-text search looks in, lowercased: the text of the request (every string in its JSON
 * body, so escaping and key names never get in the way; the body as it is when it is not JSON),
 * the merged answer (a stream's text, reasoning, refusal, tool calls and their arguments) and the
 * response body's text. Headers are not searched, and no key is ever in a record.
 */
export function searchableText(record: ExchangeRecord): string {
  const parts: string[] = [];
  searchableParts(record, (text) => parts.push(text));
  return parts.join('\n').toLowerCase();
}

/**
 * The parts `searchableText` joins, in order, not lowercased; `requestBody` reads the request
 * body's (a non-empty text body) when given: it must visit what `bodyText` would.
 */
export function searchableParts(
  record: ExchangeRecord,
  visit: (text: string) => void,
  requestBody: BodyParts = bodyText,
): void {
  if (record.request.encoding !== 'base64' && record.request.body !== '')
    requestBody(record.request.body, visit);
  const merged = record.merged;
  if (merged) {
    visit(merged.text);
    if (merged.reasoning) visit(merged.reasoning);
    if (merged.refusal) visit(merged.refusal);
    for (const call of merged.toolCalls) {
      visit(call.name);
      visit(call.arguments);
    }
  }
  // A stream's body is its events: the merged text above is what it said.
  if (record.response && record.chunks.length === 0 && record.response.encoding !== 'base64')
    if (record.response.body !== '') bodyText(record.response.body, visit);
  for (const message of record.websocket?.messages ?? [])
    if (message.encoding !== 'base64') visit(message.data);
}

/** A text body's parts: every string of its JSON, or the body as it is when it is not JSON. */
export function bodyText(body: string, visit: (text: string) => void): void {
  // A failed JSON.parse of a long text costs memory the allocator keeps (measured: +160 MB of RSS
  // over 10,000 bodies of 10 KB): text that cannot be JSON by its first character is not tried.
  if (!JSON_START.test(body)) {
    visit(body);
    return;
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    visit(body);
    return;
  }
  jsonStrings(json, visit);
}

/** How a JSON text can start (after white space): what JSON.parse would not reject at once. */
const JSON_START = /^[\t\n\r ]*[[{"\-0-9tfn]/;

/**
 * Every string value in a JSON value (not its keys), in document order. Walked with a stack of
 * its own, not by recursion: a client may send JSON nested deeper than the call stack goes.
 */
export function jsonStrings(value: unknown, visit: (text: string) => void): void {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next === 'string') visit(next);
    else if (typeof next === 'object' && next !== null) {
      const items = Array.isArray(next) ? next : Object.values(next);
      for (let i = items.length - 1; i >= 0; i--) pending.push(items[i]);
    }
  }
}
