import type { WireEvent } from '../interpreters/llm-response.ts';
import { PendingLine } from './pending-line.ts';
import type { WireDecoder } from './wire-decoder.ts';

const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;

/** Creates an incremental Server-Sent Events decoder (WHATWG HTML "event stream interpretation"). */
export function createSseDecoder(): WireDecoder {
  // Streaming mode keeps a multi-byte character split across chunks; the default ignoreBOM strips a leading BOM.
  const decoder = new TextDecoder('utf-8');
  // Text after the last line break: a line is only complete once its terminator arrives.
  const pending = new PendingLine();
  // A chunk ended in CR: if the next one starts with LF, that LF is the same CRLF terminator.
  let skipLf = false;
  let eventType: string | null = null;
  let dataLines: string[] = [];

  function dispatch(out: WireEvent[]): void {
    if (dataLines.length > 0) out.push({ event: eventType, data: dataLines.join('\n') });
    eventType = null;
    dataLines = [];
  }

  function readLine(line: string, out: WireEvent[]): void {
    if (line === '') {
      dispatch(out);
      return;
    }
    if (line.charCodeAt(0) === COLON) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 0x20) value = value.slice(1);
    if (field === 'data') dataLines.push(value);
    // An empty event name means the default type, which we leave unnamed like a missing one.
    else if (field === 'event') eventType = value === '' ? null : value;
    // `id` and `retry` only matter to a reconnecting client, which a proxy's recording is not.
  }

  function feed(text: string, out: WireEvent[]): void {
    // The decoder returns '' while it holds a partial character; the CR state must survive that.
    if (text === '') return;
    let lineStart = 0;
    if (skipLf) {
      skipLf = false;
      if (text.charCodeAt(0) === LF) lineStart = 1;
    }
    // Only the new text is scanned: what is pending holds no line break.
    for (let i = lineStart; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== LF && c !== CR) continue;
      readLine(pending.take(text.slice(lineStart, i)), out);
      if (c === CR) {
        if (i + 1 === text.length) skipLf = true;
        else if (text.charCodeAt(i + 1) === LF) i++;
      }
      lineStart = i + 1;
    }
    pending.add(text.slice(lineStart));
  }

  return {
    push(bytes) {
      const out: WireEvent[] = [];
      feed(decoder.decode(bytes, { stream: true }), out);
      return out;
    },
    end() {
      const out: WireEvent[] = [];
      feed(decoder.decode(), out);
      // Per the spec an unterminated line and an event without its blank line are discarded at EOF.
      pending.clear();
      eventType = null;
      dataLines = [];
      skipLf = false;
      return out;
    },
  };
}
