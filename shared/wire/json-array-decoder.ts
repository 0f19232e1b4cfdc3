import type { WireEvent } from '../interpreters/llm-response.ts';
import type { WireDecoder } from './wire-decoder.ts';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;

/** What the character being scanned belongs to. */
type Mode =
  /** Between values: whitespace, the outer array's brackets and its commas. */
  | 'between'
  /** Inside an object or array value, outside its strings. */
  | 'nested'
  /** Inside a string of a nested value. */
  | 'nested-string'
  /** A string that is itself a whole value. */
  | 'string'
  /** A number, `true`, `false` or `null` that is itself a whole value. */
  | 'bare';

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/**
 * Creates an incremental decoder for a streamed JSON array (Gemini's `streamGenerateContent`
 * without `alt=sse`: `[{…}\n,\r\n{…}\n]`, cut anywhere by the network): one event (named null)
 * per element, its exact text as data. A body that is not an array (an error object) is one
 * event; values after the array's `]` are read the same way. Every character is scanned once and
 * a value split across chunks is joined once, at its end, so the work is linear in the body.
 */
export function createJsonArrayDecoder(): WireDecoder {
  // Streaming mode keeps a multi-byte character split across chunks; the default ignoreBOM strips a leading BOM.
  const decoder = new TextDecoder('utf-8');
  let mode: Mode = 'between';
  // True inside the outer array, where commas separate elements and `]` closes it.
  let inArray = false;
  let depth = 0;
  // The previous character was a backslash inside a string, so this one is escaped.
  let escaped = false;
  // The current value's text from earlier chunks.
  let pieces: string[] = [];

  function emit(text: string, from: number, to: number, out: WireEvent[]): void {
    pieces.push(text.slice(from, to));
    const data = pieces.length === 1 ? (pieces[0] as string) : pieces.join('');
    pieces = [];
    out.push({ event: null, data });
  }

  /** Scans a string from `i`; returns the index after its closing quote, or -1 when it goes on. */
  function scanString(text: string, i: number): number {
    for (let j = i; j < text.length; j++) {
      const c = text.charCodeAt(j);
      if (escaped) escaped = false;
      else if (c === BACKSLASH) escaped = true;
      else if (c === QUOTE) return j + 1;
    }
    return -1;
  }

  function feed(text: string, out: WireEvent[]): void {
    // Where the value being scanned starts in this chunk (0 when it began in an earlier one).
    let start = 0;
    let i = 0;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      switch (mode) {
        case 'between':
          if (isWhitespace(c)) {
            i++;
          } else if (c === OPEN_BRACKET && !inArray) {
            inArray = true;
            i++;
          } else if (c === COMMA || c === CLOSE_BRACKET || c === CLOSE_BRACE) {
            // The outer array's separators and end; a stray one elsewhere is skipped the same way.
            if (c === CLOSE_BRACKET) inArray = false;
            i++;
          } else {
            start = i;
            if (c === OPEN_BRACE || c === OPEN_BRACKET) {
              mode = 'nested';
              depth = 1;
            } else {
              mode = c === QUOTE ? 'string' : 'bare';
            }
            i++;
          }
          break;
        case 'nested':
          if (c === QUOTE) {
            mode = 'nested-string';
          } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
            depth++;
          } else if ((c === CLOSE_BRACE || c === CLOSE_BRACKET) && --depth === 0) {
            mode = 'between';
            emit(text, start, i + 1, out);
          }
          i++;
          break;
        case 'nested-string':
        case 'string': {
          const end = scanString(text, i);
          if (end === -1) {
            i = text.length;
            break;
          }
          if (mode === 'string') {
            mode = 'between';
            emit(text, start, end, out);
          } else {
            mode = 'nested';
          }
          i = end;
          break;
        }
        case 'bare':
          if (isWhitespace(c) || c === COMMA || c === CLOSE_BRACKET || c === CLOSE_BRACE) {
            mode = 'between';
            emit(text, start, i, out);
            // The delimiter is read again, between values.
          } else {
            i++;
          }
          break;
      }
    }
    if (mode !== 'between') pieces.push(text.slice(start));
  }

  return {
    push(bytes) {
      const out: WireEvent[] = [];
      const text = decoder.decode(bytes, { stream: true });
      if (text !== '') feed(text, out);
      return out;
    },
    end() {
      const out: WireEvent[] = [];
      const text = decoder.decode();
      if (text !== '') feed(text, out);
      // A number or literal ends with the body; a cut-off object or string is no value at all.
      if (mode === 'bare') emit('', 0, 0, out);
      mode = 'between';
      inArray = false;
      depth = 0;
      escaped = false;
      pieces = [];
      return out;
    },
  };
}
