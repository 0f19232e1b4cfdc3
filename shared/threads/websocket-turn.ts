/**
 * The pieces of a Responses API exchange that link turns: the `resp_…` ids an answer names, and
 * a Responses WebSocket session read as one turn.
 */

import type { Usage } from '../usage/usage.ts';
import { normaliseResponsesUsage } from '../usage/usage-normalise.ts';
import { isRecord, parseJson, rec } from '../wire/json-fields.ts';

const RESPONSE_ID = /"id"\s*:\s*"(resp_[A-Za-z0-9_-]+)"/g;

/** The `resp_…` ids a Responses API answer names (each stream event repeats its response's). */
export function responseIds(text: string): string[] {
  return [...new Set(Array.from(text.matchAll(RESPONSE_ID), (m) => m[1] ?? ''))].filter(Boolean);
}

/** A Responses WebSocket session as one turn: its first generating `response.create` with the later ones' input appended. */
export class WebSocketTurn {
  body: Record<string, unknown> | null = null;
  readonly ids: string[] = [];
  usage: Usage | null = null;
  /** The latest `response.create` asked for output (a warm-up, `generate: false`, does not). */
  #generating = false;

  client(text: string): void {
    const json = parseJson(text);
    if (!isRecord(json) || json.type !== 'response.create') return;
    this.#generating = json.generate !== false;
    if (!this.#generating) return;
    if (this.body === null) {
      this.body = { ...json, input: Array.isArray(json.input) ? [...json.input] : json.input };
      return;
    }
    const input = this.body.input;
    if (Array.isArray(input) && Array.isArray(json.input)) input.push(...json.input);
  }

  server(text: string): void {
    if (!text.includes('"response.')) return;
    for (const id of responseIds(text.slice(0, 512))) if (!this.ids.includes(id)) this.ids.push(id);
    if (!text.startsWith('{"type":"response.completed"') && !text.includes('"type":"response.completed"'))
      return;
    const json = rec(parseJson(text));
    // A warm-up's completion (no output) is not a turn's usage.
    if (json?.type !== 'response.completed' || !this.#generating) return;
    this.usage = normaliseResponsesUsage(rec(json.response)?.usage);
  }
}
