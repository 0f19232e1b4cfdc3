import type { ApiKind } from '../../shared/interpreters/api-kind.ts';
import { isRecord } from '../../shared/wire/json-fields.ts';
import { parseSseEvent, type TimedPiece } from './stream-events.ts';

const FAULT_MESSAGE = 'Tokentap replay fault: an error injected mid-stream';

/**
 * Removes the usage from a stream's events: the chat `include_usage` chunk (dropped when it has
 * no choices, else its `usage` nulled), the Responses API's `response.usage`, Anthropic's
 * `message_delta.usage`. Other events pass unchanged, byte for byte.
 */
export function dropUsageEvents(events: readonly TimedPiece[]): TimedPiece[] {
  const out: TimedPiece[] = [];
  for (const piece of events) {
    const { event, data } = parseSseEvent(piece.data);
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      out.push(piece);
      continue;
    }
    if (!isRecord(json)) {
      out.push(piece);
      continue;
    }
    if (Array.isArray(json.choices) && isRecord(json.usage)) {
      if (json.choices.length === 0) continue;
      json.usage = null;
    } else if (isRecord(json.response) && isRecord(json.response.usage)) {
      json.response.usage = null;
    } else if (json.type === 'message_delta' && json.usage !== undefined) {
      delete json.usage;
    } else {
      out.push(piece);
      continue;
    }
    out.push({ t: piece.t, data: sseEvent(event, json) });
  }
  return out;
}

/** A JSON body without its top-level `usage` (non-streamed answers); other text unchanged. */
export function dropUsageFromBody(body: string): string {
  try {
    const json: unknown = JSON.parse(body);
    if (!isRecord(json) || !('usage' in json)) return body;
    delete json.usage;
    return JSON.stringify(json);
  } catch {
    return body;
  }
}

/** The in-band error event each API streams: chat's `data: {"error":…}`, `event: error` for Responses and Anthropic. */
export function errorEvent(api: ApiKind, format: 'sse' | 'ndjson', sequence: number): string {
  if (format === 'ndjson') return `${JSON.stringify({ error: FAULT_MESSAGE })}\n`;
  switch (api) {
    case 'openai.responses':
    case 'azure.responses':
      return sseEvent('error', {
        type: 'error',
        code: 'server_error',
        message: FAULT_MESSAGE,
        param: null,
        sequence_number: sequence,
      });
    case 'anthropic.messages':
      return sseEvent('error', { type: 'error', error: { type: 'api_error', message: FAULT_MESSAGE } });
    default:
      return sseEvent(null, {
        error: { message: FAULT_MESSAGE, type: 'server_error', code: 'replay_fault', param: null },
      });
  }
}

/** The 429 body each API answers with, and its content type. */
export function rateLimitBody(api: ApiKind, retryAfterSeconds: number): string {
  const message = `Tokentap replay fault: rate limit reached, retry after ${retryAfterSeconds} s`;
  if (api === 'anthropic.messages')
    return JSON.stringify({ type: 'error', error: { type: 'rate_limit_error', message } });
  return JSON.stringify({ error: { message, type: 'requests', code: 'rate_limit_exceeded', param: null } });
}

function sseEvent(name: string | null, json: unknown): string {
  return `${name === null ? '' : `event: ${name}\n`}data: ${JSON.stringify(json)}\n\n`;
}
