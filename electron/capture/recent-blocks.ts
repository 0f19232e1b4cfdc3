import { splitBlocks } from '../../shared/exchange/message-blocks.ts';
import { parseJson } from '../../shared/wire/json-fields.ts';

/**
 * The message blocks the analysis worker saw lately, found again by a sample of their text and a
 * compare: an agent re-sends the same blocks every turn, and sampling a text and comparing it
 * with the one kept costs a fraction of hashing or parsing it again (a Map keyed by the text
 * itself would hash all of it on every look-up).
 */

/** What is known about a block's text (filled in by whoever works it out first). */
export interface RecentBlock {
  readonly text: string;
  hash?: string;
  /** Its full-text search signature (null: not JSON; see electron/search/exchange-signature.ts). */
  signature?: Uint32Array | null;
  /** Its parsed value, shared by every request that re-sends it (null: not one JSON value); see `parsedBlock`. */
  parsed?: { readonly value: unknown } | null;
}

const recent = new Map<number, RecentBlock>();
let recentChars = 0;
const RECENT_CHARS = 16 * 1024 * 1024;
const SAMPLES = 16;
const HEAD = 64;
const TAIL = 16;

/**
 * A 32-bit FNV-1a over the length, the start (where a turn's number or a tool call's id usually
 * is), the end and a few chars between: a number, so the look-up hashes nothing long.
 */
function sampleOf(text: string): number {
  let h = Math.imul(0x811c9dc5 ^ text.length, 0x01000193);
  const head = Math.min(HEAD, text.length);
  for (let i = 0; i < head; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  for (let i = Math.max(head, text.length - TAIL); i < text.length; i++)
    h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  const step = text.length / SAMPLES;
  for (let i = 1; i < SAMPLES; i++) h = Math.imul(h ^ text.charCodeAt(Math.floor(i * step)), 0x01000193);
  return h >>> 0;
}

/** A block's text parsed as JSON, once while it is among the recent blocks (null: not one JSON value). */
export function parsedBlock(block: RecentBlock): { readonly value: unknown } | null {
  if (block.parsed === undefined) {
    const value = parseJson(block.text);
    block.parsed = value === undefined ? null : { value };
  }
  return block.parsed;
}

/** The entry for this block text, made (empty) when it is not among the recent ones. */
export function recentBlock(text: string): RecentBlock {
  const sample = sampleOf(text);
  const known = recent.get(sample);
  if (known !== undefined && known.text === text) return known;
  if (known !== undefined) recentChars -= known.text.length;
  // A copy of its own: a slice would keep the whole body it was cut from alive.
  const entry: RecentBlock = { text: `${text} `.slice(0, -1) };
  recent.set(sample, entry);
  recentChars += text.length;
  for (const [key, block] of recent) {
    if (recentChars <= RECENT_CHARS) break;
    recent.delete(key);
    recentChars -= block.text.length;
  }
  return entry;
}

/**
 * A request body cut into message blocks (`splitBlocks`) with each block's recent entry: made once
 * per exchange, and read by its parse (block-json.ts), its storage and its search signature
 * (finished-exchange.ts), which would otherwise each cut the body and look its blocks up again.
 */
export interface BodyBlocks {
  /** The body it was cut from: a user checks it is the text it has (a scrubbed body is another). */
  readonly text: string;
  readonly pieces: ReadonlyArray<{ readonly text: string; readonly block: boolean }>;
  /** The recent entry of each block piece, in order. */
  readonly recents: readonly RecentBlock[];
}

/** The body's blocks, or null when it has none worth storing apart (see `splitBlocks`). */
export function bodyBlocks(text: string): BodyBlocks | null {
  const pieces = splitBlocks(text);
  if (pieces === null) return null;
  const recents: RecentBlock[] = [];
  for (const piece of pieces) if (piece.block) recents.push(recentBlock(piece.text));
  return { text, pieces, recents };
}
