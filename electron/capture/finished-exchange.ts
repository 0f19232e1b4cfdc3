import { hash } from 'node:crypto';
import { RESENT_FROM_HEADER } from '../../shared/contract/tokentap-headers.ts';
import type { ExchangeRecord, ExchangeSummary } from '../../shared/exchange/exchange-record.ts';
import { summarise } from '../../shared/exchange/exchange-summary.ts';
import type { BodyPiece } from '../../shared/exchange/message-blocks.ts';
import { resendNonce } from '../resend/resend-request.ts';
import { exchangeSignature } from '../search/exchange-signature.ts';
import { type BodyBlocks, bodyBlocks, type RecentBlock } from './recent-blocks.ts';

/** A message block of a request body: its hash (what records refer to it by) and its text. */
export interface StoredBlock {
  hash: string;
  text: string;
}

import { type GenAiSpan, genAiSpan } from '../telemetry/genai-span.ts';

/**
 * An exchange's final record as the analysis worker hands it over: serialised and UTF-8 encoded
 * there, so the forwarding thread receives bytes (moved, not copied: see RecordLines) and copies
 * them into the session file's write as they are, never encoding or measuring a string; what main
 * needs besides (the summary, a resend's nonce) rides along.
 */
export interface FinishedExchange {
  readonly summary: ExchangeSummary;
  /**
   * `summary` as JSON, made with it: what the session index stores, so the forwarding thread puts
   * it in an index line as it is instead of serialising it there (4 µs a record on that thread).
   */
  readonly summaryJson: string;
  /**
   * The record's session line: its JSON ending in a newline, as UTF-8 bytes when the analysis
   * worker made it, as text when it was made on the thread that writes it (an import, a test).
   * With `blocks`, its request carries `bodyBlocks` (literal text and `{"b": hash}` references) in
   * place of `body`.
   */
  readonly line: Uint8Array | string;
  /**
   * The trigram signature of its searchable text (electron/search/trigram-signature.ts), made here
   * so search never reads the record back; the session writer saves it beside the session file
   * (without one, the exchange is always read back and checked).
   */
  readonly signature?: Uint32Array;
  /** The nonce of a resend's link header (what the resender waits for), read here so nobody parses its line for it. */
  readonly resendNonce: string | null;
  /**
   * The message blocks the request body was cut into (see shared/exchange/message-blocks.ts), each
   * once, but for those `writtenBlocks` said the session file has: the line refers to them all.
   */
  readonly blocks?: StoredBlock[];
  /**
   * Its OpenTelemetry span, made here while the export is on (null: no GenAI operation), so the
   * export thread is handed a few hundred bytes instead of the record.
   */
  readonly span?: GenAiSpan | null;
}

const utf8 = new TextEncoder();
/** Lines at most this long share a buffer with others; longer ones get their own. */
const SHARED_LINE_CHARS = 64 * 1024;
/** The buffers lines are encoded into (bytes; Buffer.allocUnsafeSlow: never the shared pool, nothing zeroed). */
const LINES_BUFFER_BYTES = 256 * 1024;

/**
 * Encodes records' lines (UTF-8, newline-ended) into a few buffers that can be transferred to
 * another thread in one message: `take` says which, and later lines go to fresh ones. Encoding here
 * rather than where the line is written takes the encoding (for text with characters past Latin-1,
 * as most model output has, the slow half of the work) and the string's copy off that thread.
 */
export class RecordLines {
  #buffer: Uint8Array | null = null;
  #used = 0;
  #filled: ArrayBuffer[] = [];

  encode(json: string): Uint8Array {
    if (json.length > SHARED_LINE_CHARS) {
      // Exactly sized: a large record does not hold a buffer three times its size.
      const own = new Uint8Array(Buffer.allocUnsafeSlow(Buffer.byteLength(json) + 1).buffer);
      this.#filled.push(own.buffer as ArrayBuffer);
      return this.#into(own, 0, json);
    }
    // A UTF-16 code unit takes at most 3 bytes in UTF-8.
    if (this.#buffer === null || this.#used + json.length * 3 + 1 > this.#buffer.byteLength) {
      if (this.#buffer !== null) this.#filled.push(this.#buffer.buffer as ArrayBuffer);
      this.#buffer = new Uint8Array(Buffer.allocUnsafeSlow(LINES_BUFFER_BYTES).buffer);
      this.#used = 0;
    }
    const line = this.#into(this.#buffer, this.#used, json);
    this.#used += line.byteLength;
    return line;
  }

  #into(buffer: Uint8Array, at: number, json: string): Uint8Array {
    const { written } = utf8.encodeInto(json, buffer.subarray(at));
    buffer[at + written] = 0x0a;
    return buffer.subarray(at, at + written + 1);
  }

  /** The buffers holding the lines encoded since the last call (to transfer with them). */
  take(): ArrayBuffer[] {
    if (this.#buffer !== null && this.#used > 0) {
      this.#filled.push(this.#buffer.buffer as ArrayBuffer);
      this.#buffer = null;
      this.#used = 0;
    }
    const filled = this.#filled;
    this.#filled = [];
    return filled;
  }
}

/**
 * The line of a record finished outside the analysis worker (an import, a test), as text: a Buffer
 * per line would be an allocation outside the heap per exchange, which the process keeps (measured:
 * the sessions bench's RSS growth 154 MB with one per line, 138 MB with text).
 */
export function recordLine(json: string): string {
  return `${json}\n`;
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

export interface FinishOptions {
  /** Where its line is encoded (the worker's RecordLines, to transfer); by default a buffer of its own. */
  lines?: { encode(json: string): Uint8Array | string };
  /** Blocks whose lines are in the session file it goes to: referred to, their texts not carried. */
  writtenBlocks?: ReadonlySet<string> | undefined;
  /** The request body's cut as the analysis made it (used when it is of the record's body). */
  requestBlocks?: BodyBlocks | null | undefined;
}

/**
 * Summarises and serialises a final record, once, in the worker; `spanContent` non-null (the
 * export is on) also makes its span, with or without message content.
 */
export function finishExchange(
  record: ExchangeRecord,
  spanContent: boolean | null = null,
  { lines = { encode: recordLine }, writtenBlocks, requestBlocks }: FinishOptions = {},
): FinishedExchange {
  const summary = summarise(record);
  const nonce = nonceOf(record);
  let finished: Omit<FinishedExchange, 'line' | 'summaryJson'> & { json: string };
  try {
    finished = finishWithExtras(record, spanContent, summary, nonce, writtenBlocks, requestBlocks);
  } catch {
    // Blocks, signature and span are what the record is kept and found by, not the record: an
    // exchange they cannot be made for (a body nested past the call stack, say) is kept whole.
    finished = { summary, json: JSON.stringify(record), resendNonce: nonce };
  }
  const { json, ...rest } = finished;
  return { ...rest, summaryJson: JSON.stringify(summary), line: lines.encode(json) };
}

function nonceOf(record: ExchangeRecord): string | null {
  return record.resentFrom === undefined ? null : resendNonce(record.request.headers[RESENT_FROM_HEADER]);
}

function finishWithExtras(
  record: ExchangeRecord,
  spanContent: boolean | null,
  summary: ExchangeSummary,
  nonce: string | null,
  writtenBlocks: ReadonlySet<string> | undefined,
  cut: BodyBlocks | null | undefined,
): Omit<FinishedExchange, 'line' | 'summaryJson'> & { json: string } {
  const span = spanContent === null ? {} : { span: genAiSpan(record, spanContent) };
  const { request } = record;
  // Each block looked up once (a compare of its whole text), for its hash and its signature; the
  // analysis's cut when it is of this body (scrubbing a key out of it makes another text).
  const body =
    request.encoding !== undefined || request.bodyTruncated || request.holes !== undefined
      ? null
      : cut != null && cut.text === request.body
        ? cut
        : bodyBlocks(request.body);
  const split = body?.pieces ?? null;
  const recents = body?.recents ?? [];
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
    // Its line is in the file already (most of an agent's request, re-sent every turn): not carried.
    if (writtenBlocks?.has(hashed)) continue;
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

/** Bytes and characters a finished exchange holds (its line and its blocks' texts): what it costs to keep. */
export function exchangeChars(exchange: FinishedExchange): number {
  let chars = lineBytes(exchange.line);
  for (const block of exchange.blocks ?? []) chars += block.text.length;
  return chars;
}

/** Bytes a session line takes in the file. */
export function lineBytes(line: Uint8Array | string): number {
  return typeof line === 'string' ? Buffer.byteLength(line) : line.byteLength;
}
