import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ScriptedChunk } from './fake-upstream.ts';

/** Directory holding the recorded wire bodies (see SOURCES.md there). */
export const streamFixturesDir: string = join(import.meta.dirname, '..', 'fixtures', 'streams');

/** A fixture's exact bytes. */
export function readFixture(name: string): Buffer {
  return readFileSync(join(streamFixturesDir, name));
}

/** A fixture decoded as UTF-8 text. */
export function readFixtureText(name: string): string {
  return readFixture(name).toString('utf8');
}

/** Names of the recorded fixtures, optionally only those ending in `suffix` (e.g. '.sse'). */
export function listFixtures(suffix = ''): string[] {
  return readdirSync(streamFixturesDir)
    .filter((name) => name !== 'SOURCES.md' && name.endsWith(suffix))
    .sort();
}

/** A chunk cut from a text recording at an event or line boundary, so it is whole UTF-8. */
export interface TextChunk extends ScriptedChunk {
  data: string;
}

export interface SseFixtureOptions {
  /** Delay before event i; a number means "this gap between events" (the first event goes at once). */
  pacingMs?: number | ((index: number) => number);
}

/** A recorded SSE stream split into its events, each with the exact bytes of the wire, paced. */
export function loadSseFixture(name: string, opts: SseFixtureOptions = {}): TextChunk[] {
  const pacing = opts.pacingMs ?? 5;
  const delayFor = typeof pacing === 'function' ? pacing : (i: number) => (i === 0 ? 0 : pacing);
  return splitSseEvents(readFixture(name)).map((data, i) => ({ data, delayMs: delayFor(i) }));
}

/**
 * Splits SSE wire text after each blank line, keeping every byte (line endings of all three SSE
 * kinds, comments, trailing partial event), so the pieces concatenate back to the input exactly.
 */
export function splitSseEvents(wire: Buffer | string): string[] {
  // Scanning as latin1 keeps one char per byte; the cut points are ASCII, so no UTF-8 sequence is split.
  const text = typeof wire === 'string' ? wire : wire.toString('latin1');
  const decode = (piece: string): string =>
    typeof wire === 'string' ? piece : Buffer.from(piece, 'latin1').toString('utf8');
  const events: string[] = [];
  let eventStart = 0;
  let lineStart = 0;
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch !== '\n' && ch !== '\r') {
      i += 1;
      continue;
    }
    // A lone \r is a line ending too, but \r\n is a single one.
    const eolLength = ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
    const lineWasEmpty = i === lineStart;
    i += eolLength;
    lineStart = i;
    if (lineWasEmpty) {
      events.push(decode(text.slice(eventStart, i)));
      eventStart = i;
    }
  }
  if (eventStart < text.length) events.push(decode(text.slice(eventStart)));
  return events;
}

/** A recorded NDJSON stream (Ollama's native API) split after each newline, paced like SSE events. */
export function loadNdjsonFixture(name: string, opts: SseFixtureOptions = {}): TextChunk[] {
  const pacing = opts.pacingMs ?? 5;
  const delayFor = typeof pacing === 'function' ? pacing : (i: number) => (i === 0 ? 0 : pacing);
  const text = readFixtureText(name);
  const lines = text.split(/(?<=\n)/).filter((line) => line.length > 0);
  return lines.map((data, i) => ({ data, delayMs: delayFor(i) }));
}

export interface SplitOptions {
  /** Delay for the extra pieces a cut creates (the first piece keeps the chunk's own delay). */
  delayMs?: number;
}

/**
 * Re-cuts a chunk list at absolute byte offsets of the concatenated stream, to exercise decoders
 * with events, lines and even UTF-8 sequences split across network reads.
 */
export function splitChunksAt(
  chunks: readonly ScriptedChunk[],
  offsets: Iterable<number>,
  opts: SplitOptions = {},
): ScriptedChunk[] {
  const cuts = [...new Set(offsets)].sort((a, b) => a - b);
  const result: ScriptedChunk[] = [];
  let chunkStart = 0;
  let cutIndex = 0;
  for (const chunk of chunks) {
    const bytes = toBuffer(chunk.data);
    const chunkEnd = chunkStart + bytes.length;
    let pieceStart = 0;
    let delayMs = chunk.delayMs;
    while (cutIndex < cuts.length && (cuts[cutIndex] ?? 0) <= chunkStart) cutIndex += 1;
    while (cutIndex < cuts.length && (cuts[cutIndex] ?? chunkEnd) < chunkEnd) {
      const at = (cuts[cutIndex] ?? chunkEnd) - chunkStart;
      result.push({ data: bytes.subarray(pieceStart, at), delayMs });
      delayMs = opts.delayMs ?? 0;
      pieceStart = at;
      cutIndex += 1;
    }
    if (pieceStart < bytes.length || bytes.length === 0) {
      result.push({ data: bytes.subarray(pieceStart), delayMs });
    }
    chunkStart = chunkEnd;
  }
  return result;
}

/** Re-cuts a chunk list into pieces of at most `size` bytes (counted over the whole stream). */
export function splitChunksEvery(
  chunks: readonly ScriptedChunk[],
  size: number,
  opts: SplitOptions = {},
): ScriptedChunk[] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`size must be a positive integer: ${size}`);
  const total = concatChunks(chunks).length;
  const offsets: number[] = [];
  for (let at = size; at < total; at += size) offsets.push(at);
  return splitChunksAt(chunks, offsets, opts);
}

/** The bytes a chunk list puts on the wire, in order. */
export function concatChunks(chunks: readonly ScriptedChunk[]): Buffer {
  return Buffer.concat(chunks.map((chunk) => toBuffer(chunk.data)));
}

function toBuffer(data: string | Buffer): Buffer {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
}
