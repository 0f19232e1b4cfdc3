/**
 * Message blocks: agents re-send the whole conversation every turn, so most of a request body is
 * the previous request's. A JSON body is cut into the elements of its top-level arrays (the
 * `messages`, `input`, `contents`, `tools` … of every API) and the text around them; a session
 * file stores each block once and the records refer to it by hash (see README, "Session files").
 * The pieces are exact substrings: joined, they give the body back byte for byte.
 */

/** A piece of a stored body: literal text, or a reference to a block by its hash. */
export type BodyPiece = string | { b: string };

/** Bodies shorter than this are stored whole: there is nothing worth sharing. */
export const BLOCK_BODY_CHARS = 4096;
/** Array elements shorter than this stay in the literal text around them. */
export const BLOCK_MIN_CHARS = 256;

/**
 * The body cut into literal text and block texts (in order; joined they are `text`), or null when
 * it has no block worth storing apart (short, not a JSON object, or no large array elements). A
 * tolerant scan, no parse: bodies that are not JSON simply give null or fewer blocks.
 */
export function splitBlocks(text: string): Array<{ text: string; block: boolean }> | null {
  if (text.length < BLOCK_BODY_CHARS) return null;
  let i = skipSpace(text, 0);
  if (text.charCodeAt(i) !== 0x7b) return null;
  const pieces: Array<{ text: string; block: boolean }> = [];
  /** Where the literal text not yet in `pieces` starts. */
  let literal = 0;
  i++;
  while (i < text.length) {
    i = skipSpace(text, i);
    if (text.charCodeAt(i) !== 0x22) break;
    i = skipSpace(text, stringEnd(text, i));
    if (text.charCodeAt(i) !== 0x3a) break;
    i = skipSpace(text, i + 1);
    if (text.charCodeAt(i) === 0x5b) {
      // The elements of a top-level array.
      i = skipSpace(text, i + 1);
      while (i < text.length && text.charCodeAt(i) !== 0x5d) {
        const end = valueEnd(text, i);
        if (end > text.length) return finish(text, pieces, literal);
        if (end - i >= BLOCK_MIN_CHARS) {
          if (i > literal) pieces.push({ text: text.slice(literal, i), block: false });
          pieces.push({ text: text.slice(i, end), block: true });
          literal = end;
        }
        i = skipSpace(text, end);
        if (text.charCodeAt(i) === 0x2c) i = skipSpace(text, i + 1);
        else break;
      }
      i = skipSpace(text, i + 1);
    } else {
      i = skipSpace(text, valueEnd(text, i));
    }
    if (text.charCodeAt(i) !== 0x2c) break;
    i++;
  }
  return finish(text, pieces, literal);
}

function finish(
  text: string,
  pieces: Array<{ text: string; block: boolean }>,
  literal: number,
): Array<{ text: string; block: boolean }> | null {
  if (pieces.length === 0) return null;
  if (literal < text.length) pieces.push({ text: text.slice(literal), block: false });
  return pieces;
}

/** The body back from its pieces; `blockText` gives a block's text by hash (undefined: missing). */
export function joinPieces(
  pieces: readonly unknown[],
  blockText: (hash: string) => string | undefined,
): string {
  let out = '';
  for (const piece of pieces) {
    if (typeof piece === 'string') out += piece;
    else {
      const hash = blockHashOf(piece);
      const text = hash === null ? undefined : blockText(hash);
      if (text === undefined) throw new Error(`message block ${hash ?? '(no hash)'} is missing`);
      out += text;
    }
  }
  return out;
}

/** The hash of a block reference (`{"b": hash}`), or null when `piece` is not one. */
export function blockHashOf(piece: unknown): string | null {
  if (piece === null || typeof piece !== 'object') return null;
  const hash = (piece as { b?: unknown }).b;
  return typeof hash === 'string' ? hash : null;
}

/** A session file's block line: `{"block": hash, "text": …}`. */
export interface BlockLine {
  block: string;
  text: string;
}

/** True for a parsed line that is a block line rather than a record. */
export function isBlockLine(value: unknown): value is BlockLine {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { block?: unknown }).block === 'string' &&
    typeof (value as { text?: unknown }).text === 'string'
  );
}

/** The line (without its newline) that stores a block. */
export function blockLine(hash: string, text: string): string {
  return `{"block":${JSON.stringify(hash)},"text":${JSON.stringify(text)}}`;
}

/**
 * A record as read from a session line, with its request body put back whole: a stored request
 * carries `bodyBlocks` (pieces) in place of `body`. Other records are returned as they are.
 */
export function withBodyJoined<T>(record: T, blockText: (hash: string) => string | undefined): T {
  const request = (record as { request?: Record<string, unknown> } | null)?.request;
  if (!request || !Array.isArray(request.bodyBlocks)) return record;
  const body = joinPieces(request.bodyBlocks, blockText);
  const joined: Record<string, unknown> = {};
  for (const key of Object.keys(request)) {
    if (key === 'bodyBlocks') joined.body = body;
    else joined[key] = request[key];
  }
  (record as { request: unknown }).request = joined;
  return record;
}

/** The block hashes a parsed record line refers to, in order (empty for a record stored whole). */
export function blockRefs(record: unknown): string[] {
  const pieces = (record as { request?: { bodyBlocks?: unknown } } | null)?.request?.bodyBlocks;
  if (!Array.isArray(pieces)) return [];
  const hashes: string[] = [];
  for (const piece of pieces) {
    const hash = blockHashOf(piece);
    if (hash !== null) hashes.push(hash);
  }
  return hashes;
}

function skipSpace(text: string, i: number): number {
  let j = i;
  for (;;) {
    const c = text.charCodeAt(j);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) j++;
    else return j;
  }
}

/** Index just past the string starting at `i` (past the text's end when it is cut). */
function stringEnd(text: string, i: number): number {
  let j = i + 1;
  for (;;) {
    const quote = text.indexOf('"', j);
    if (quote === -1) return text.length + 1;
    // A quote preceded by an odd number of backslashes is escaped.
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    j = quote + 1;
  }
}

/** Index just past the JSON value starting at `i` (past the text's end when it is cut). */
function valueEnd(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === 0x22) return stringEnd(text, i);
  if (c !== 0x7b && c !== 0x5b) {
    let j = i;
    while (j < text.length && !',}] \n\r\t'.includes(text[j] as string)) j++;
    return j;
  }
  let depth = 0;
  for (let j = i; j < text.length; j++) {
    const d = text.charCodeAt(j);
    if (d === 0x22) j = stringEnd(text, j) - 1;
    else if (d === 0x7b || d === 0x5b) depth++;
    else if (d === 0x7d || d === 0x5d) {
      depth--;
      if (depth === 0) return j + 1;
    }
  }
  return text.length + 1;
}
