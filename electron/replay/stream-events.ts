import type { RecordedChunk } from '../../shared/exchange/exchange-record.ts';

/** One piece of a replayed body with the time it is due (ms since the request started). */
export interface TimedPiece {
  t: number;
  data: string;
}

/**
 * Re-cuts a recorded stream at event boundaries (SSE: after a blank line, in any of its three
 * line-end kinds; NDJSON: after each newline), each event due when the chunk completing it
 * arrived. The pieces concatenate back to the recorded text exactly; faults work on these.
 */
export function streamEvents(chunks: readonly RecordedChunk[], format: 'sse' | 'ndjson'): TimedPiece[] {
  const text = chunks.map((c) => c.data).join('');
  const ends = format === 'sse' ? sseEventEnds(text) : ndjsonLineEnds(text);
  if (ends.at(-1) !== text.length && text.length > 0) ends.push(text.length);
  const events: TimedPiece[] = [];
  let chunk = 0;
  let chunkEnd = chunks[0]?.data.length ?? 0;
  let from = 0;
  for (const end of ends) {
    // The event is due when the chunk holding its last character arrived.
    while (chunkEnd < end && chunk < chunks.length - 1)
      chunkEnd += (chunks[++chunk] as RecordedChunk).data.length;
    events.push({ t: (chunks[chunk] as RecordedChunk).t, data: text.slice(from, end) });
    from = end;
  }
  return events;
}

/** Offsets just past each blank line (the end of each SSE event). */
function sseEventEnds(text: string): number[] {
  const ends: number[] = [];
  let lineStart = 0;
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch !== '\n' && ch !== '\r') {
      i++;
      continue;
    }
    const lineWasEmpty = i === lineStart;
    i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
    lineStart = i;
    if (lineWasEmpty) ends.push(i);
  }
  return ends;
}

function ndjsonLineEnds(text: string): number[] {
  const ends: number[] = [];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) ends.push(i + 1);
  return ends;
}

/** An SSE event's `event:` name and joined `data:` lines. */
export function parseSseEvent(text: string): { event: string | null; data: string } {
  let event: string | null = null;
  const data: string[] = [];
  for (const line of text.split(/\r\n|\r|\n/)) {
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  return { event, data: data.join('\n') };
}
