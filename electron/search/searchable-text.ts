import type { ExchangeRecord } from '../../shared/exchange/exchange-record.ts';

/**
 * What full-text search looks in, lowercased: the text of the request (every string in its JSON
 * body, so escaping and key names never get in the way; the body as it is when it is not JSON),
 * the merged answer (a stream's text, reasoning, refusal, tool calls and their arguments) and the
 * response body's text. Headers are not searched, and no key is ever in a record.
 */
export function searchableText(record: ExchangeRecord): string {
  const parts: string[] = [];
  bodyText(record.request.body, record.request.encoding, parts);
  const merged = record.merged;
  if (merged) {
    parts.push(merged.text);
    if (merged.reasoning) parts.push(merged.reasoning);
    if (merged.refusal) parts.push(merged.refusal);
    for (const call of merged.toolCalls) parts.push(call.name, call.arguments);
  }
  // A stream's body is its events: the merged text above is what it said.
  if (record.response && record.chunks.length === 0)
    bodyText(record.response.body, record.response.encoding, parts);
  for (const message of record.websocket?.messages ?? [])
    if (message.encoding !== 'base64') parts.push(message.data);
  return parts.join('\n').toLowerCase();
}

function bodyText(body: string, encoding: string | undefined, parts: string[]): void {
  if (encoding === 'base64' || body === '') return;
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    parts.push(body);
    return;
  }
  strings(json, parts);
}

/** Every string value in a JSON value (not its keys). */
function strings(value: unknown, parts: string[]): void {
  if (typeof value === 'string') parts.push(value);
  else if (Array.isArray(value)) for (const item of value) strings(item, parts);
  else if (typeof value === 'object' && value !== null)
    for (const item of Object.values(value)) strings(item, parts);
}
