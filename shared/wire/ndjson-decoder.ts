import type { WireEvent } from '../interpreters/llm-response.ts';
import { PendingLine } from './pending-line.ts';
import type { WireDecoder } from './wire-decoder.ts';

/** Creates an incremental newline-delimited JSON decoder: one event (named null) per non-blank line. */
export function createNdjsonDecoder(): WireDecoder {
  const decoder = new TextDecoder('utf-8');
  // Text after the last newline, kept in pieces and joined once its newline arrives (linear, not quadratic).
  const pending = new PendingLine();

  function feed(text: string, out: WireEvent[], final: boolean): void {
    let lineStart = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', lineStart)) {
      pushLine(pending.take(text.slice(lineStart, nl)), out);
      lineStart = nl + 1;
    }
    // Unlike SSE, a last line without its newline is still a whole JSON value worth keeping.
    if (final) pushLine(pending.take(text.slice(lineStart)), out);
    else pending.add(text.slice(lineStart));
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
