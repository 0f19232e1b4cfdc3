import { hash } from 'node:crypto';
import { RESENT_FROM_HEADER } from '../../shared/contract/tokentap-headers.ts';
import type { ExchangeRecord, ExchangeSummary } from '../../shared/exchange/exchange-record.ts';
import { summarise } from '../../shared/exchange/exchange-summary.ts';
import { type BodyPiece, splitBlocks } from '../../shared/exchange/message-blocks.ts';
import { resendNonce } from '../resend/resend-request.ts';
import { exchangeSignature } from '../search/exchange-signature.ts';
import { type RecentBlock, recentBlock } from './recent-blocks.ts';

/** A message block of a request body: its hash (what records refer to it by) and its text. */
export interface StoredBlock {
  hash: string;
  text: string;
}

import { type GenAiSpan, genAiSpan } from '../telemetry/genai-span.ts';

/**
 * An exchange's final record as the analysis worker hands it over: serialised there, so the
 * forwarding thread receives one string (a copy, not an object graph to rebuild) and writes it to
 * the session file as it is; what main needs besides (the summary, a resend's nonce) rides along.
 */
export interface FinishedExchange {
  readonly summary: ExchangeSummary;
  /**
   * The record as JSON, on one line, without the newline. With `blocks`, its request carries
   * `bodyBlocks` (literal text and `{"b": hash}` references) in place of `body`.
   */
  readonly json: string;
  /**
   * The trigram signature of its searchable text (electron/search/trigram-signature.ts), made here
   * so search never reads the record back; the session writer saves it beside the session file
   * (without one, the exchange is always read back and checked).
   */
  readonly signature?: Uint32Array;
  /** The nonce of a resend's link header (what the resender waits for), read here so nobody parses `json` for it. */
  readonly resendNonce: string | null;
  /** The message blocks the request body was cut into (see shared/exchange/message-blocks.ts), each once. */
  readonly blocks?: StoredBlock[];
  /**
   * Its OpenTelemetry span, made here while the export is on (null: no GenAI operation), so the
   * export thread is handed a few hundred bytes instead of the record.
   */
  readonly span?: GenAiSpan | null;
}

/** A block's hash: 128 bits of SHA-256, base64url (22 characters). */
export function blockHash(text: string): string {
  return hash('sha256', text, 'base64url').slice(0, 22);
}

/** A block's hash, worked out once while it is among the recent blocks. */
function hashOf(block: RecentBlock): string {
  block.hash ??= blockHash(block.text);
  return block.hash;
}

/**
 * Summarises and serialises a final record, once, in the worker; `spanContent` non-null (the
 * export is on) also makes its span, with or without message content.
 */
export function finishExchange(record: ExchangeRecord, spanContent: boolean | null = null): FinishedExchange {
  const summary = summarise(record);
  const nonce = nonceOf(record);
  try {
    return finishWithExtras(record, spanContent, summary, nonce);
  } catch {
    // Blocks, signature and span are what the record is kept and found by, not the record: an
    // exchange they cannot be made for (a body nested past the call stack, say) is kept whole.
    return { summary, json: JSON.stringify(record), resendNonce: nonce };
  }
}

function nonceOf(record: ExchangeRecord): string | null {
  return record.resentFrom === undefined ? null : resendNonce(record.request.headers[RESENT_FROM_HEADER]);
}

function finishWithExtras(
  record: ExchangeRecord,
  spanContent: boolean | null,
  summary: ExchangeSummary,
  nonce: string | null,
): FinishedExchange {
  const span = spanContent === null ? {} : { span: genAiSpan(record, spanContent) };
  const { request } = record;
  const split =
    request.encoding === undefined && !request.bodyTruncated && request.holes === undefined
      ? splitBlocks(request.body)
      : null;
  // Each block looked up once (a compare of its whole text), for its hash and its signature.
  const recents = split?.filter((piece) => piece.block).map((piece) => recentBlock(piece.text)) ?? [];
  const signature = exchangeSignature(record, split, recents);
  if (split === null)
    return { summary, json: JSON.stringify(record), signature, resendNonce: nonce, ...span };
  const pieces: BodyPiece[] = [];
  const blocks: StoredBlock[] = [];
  const seen = new Set<string>();
  let b = 0;
  for (const piece of split) {
    if (!piece.block) {
      pieces.push(piece.text);
      continue;
    }
    const hashed = hashOf(recents[b++] as RecentBlock);
    pieces.push({ b: hashed });
    if (seen.has(hashed)) continue;
    seen.add(hashed);
    blocks.push({ hash: hashed, text: piece.text });
  }
  // The request with `bodyBlocks` where `body` was, so the fields keep their order.
  const stored: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(request)) stored[key === 'body' ? 'bodyBlocks' : key] = value;
  stored.bodyBlocks = pieces;
  return {
    summary,
    json: JSON.stringify({ ...record, request: stored }),
    signature,
    resendNonce: nonce,
    blocks,
    ...span,
  };
}

/** Characters a finished exchange holds (its line and its blocks' texts): what it costs to keep. */
export function exchangeChars(exchange: FinishedExchange): number {
  let chars = exchange.json.length;
  for (const block of exchange.blocks ?? []) chars += block.text.length;
  return chars;
}
