/**
 * A per-exchange signature of the trigrams its searchable text holds: 2048 bits, one bit per
 * hashed trigram. A query can only match where every one of its trigrams' bits is set, so most
 * exchanges are ruled out without reading them; those that pass are read back and checked.
 *
 * A signature is the union of its parts' signatures (each string of a JSON body, the merged text,
 * …), so a message block's can be worked out once and OR-ed into every exchange that re-sends it.
 * Trigrams across two parts are left out; the query leaves out its trigrams holding a newline
 * (the only character that joins parts in `searchableText`), so it never asks for one of those.
 */

/** 32-bit words per signature (2048 bits). */
export const SIGNATURE_WORDS = 64;
/** Bumped whenever the bits a text sets change: saved signatures of another version are rebuilt. */
export const SIGNATURE_VERSION = 2;
const BITS_MASK = SIGNATURE_WORDS * 32 - 1;

function trigramBit(a: number, b: number, c: number): number {
  // Knuth's multiplicative hash of the three UTF-16 code units.
  return (Math.imul((a * 961 + b * 31 + c) | 0, 2654435761) >>> 16) & BITS_MASK;
}

/** Sets the bits of every trigram of `text` (as it is) in `into` (at `offset` words). */
export function addSignature(text: string, into: Uint32Array, offset: number): void {
  for (let i = 0; i + 2 < text.length; i++) {
    const bit = trigramBit(text.charCodeAt(i), text.charCodeAt(i + 1), text.charCodeAt(i + 2));
    into[offset + (bit >>> 5)] = (into[offset + (bit >>> 5)] as number) | (1 << (bit & 31));
  }
}

/**
 * Sets the bits of every trigram of `text.toLowerCase()` in `into` (at `offset` words), lowering
 * ASCII in place (no lowered copy of a long text); text with other characters is lowered whole
 * (`toLowerCase` is not one character at a time for them).
 */
export function addLowercased(text: string, into: Uint32Array, offset = 0): void {
  if (text.length < 3) return;
  let a = lowerAscii(text.charCodeAt(0));
  let b = lowerAscii(text.charCodeAt(1));
  if ((a | b) >= 0x80) {
    addSignature(text.toLowerCase(), into, offset);
    return;
  }
  for (let i = 2; i < text.length; i++) {
    const c = lowerAscii(text.charCodeAt(i));
    if (c >= 0x80) {
      // Bits set so far are set again: the same trigrams, lowered the same way.
      addSignature(text.toLowerCase(), into, offset);
      return;
    }
    const bit = trigramBit(a, b, c);
    into[offset + (bit >>> 5)] = (into[offset + (bit >>> 5)] as number) | (1 << (bit & 31));
    a = b;
    b = c;
  }
}

function lowerAscii(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
}

/** ORs a signature (`from`, at `fromOffset` words) into `into` (at `offset` words). */
export function orSignature(into: Uint32Array, offset: number, from: Uint32Array, fromOffset = 0): void {
  for (let w = 0; w < SIGNATURE_WORDS; w++)
    into[offset + w] = (into[offset + w] as number) | (from[fromOffset + w] as number);
}

/**
 * The query's bits (of its lowercased text), as one signature: every trigram without a newline
 * (see above). Empty for a query shorter than three characters: it rules nothing out.
 */
export function querySignature(text: string): Uint32Array {
  const signature = new Uint32Array(SIGNATURE_WORDS);
  for (const line of text.toLowerCase().split('\n')) addSignature(line, signature, 0);
  return signature;
}

/** Whether the exchange at `offset` may hold the query: every bit of the query's is set in its signature. */
export function mayContain(signatures: Uint32Array, offset: number, query: Uint32Array): boolean {
  for (let w = 0; w < SIGNATURE_WORDS; w++) {
    const q = query[w] as number;
    // `&` gives a signed 32-bit number; the words are unsigned.
    if (q !== 0 && ((signatures[offset + w] as number) & q) >>> 0 !== q) return false;
  }
  return true;
}
