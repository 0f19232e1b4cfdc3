import type { WireEvent } from './llm-response.ts';
import type { WireDecoder } from './wire-decoder.ts';

/** Creates an incremental newline-delimited JSON decoder: one event (named null) per non-blank line. */
export function createNdjsonDecoder(): WireDecoder {
  const decoder = new TextDecoder('utf-8');
  let pending = '';

  function feed(text: string, out: WireEvent[], final: boolean): void {
    const buf = pending + text;
    let lineStart = 0;
    for (let nl = buf.indexOf('\n', pending.length); nl !== -1; nl = buf.indexOf('\n', lineStart)) {
      pushLine(buf.slice(lineStart, nl), out);
      lineStart = nl + 1;
    }
    pending = buf.slice(lineStart);
    // Unlike SSE, a last line without its newline is still a whole JSON value worth keeping.
    if (final) {
      pushLine(pending, out);
      pending = '';
    }
  }

  return {
    push(bytes) {
      const out: WireEvent[] = [];
      feed(decoder.decode(bytes, { stream: true }), out, false);
      return out;
    },
    end() {
      const out: WireEvent[] = [];
      feed(decoder.decode(), out, true);
      return out;
    },
  };
}

function pushLine(line: string, out: WireEvent[]): void {
  const data = line.endsWith('\r') ? line.slice(0, -1) : line;
  if (data.trim() !== '') out.push({ event: null, data });
}
