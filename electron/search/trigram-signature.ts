/**
 * A per-exchange signature of the trigrams its searchable text holds: 2048 bits, one bit per
 * hashed trigram. A query can only match where every one of its trigrams' bits is set, so most
 * exchanges are ruled out without reading them; those that pass are read back and checked.
 */

/** 32-bit words per signature (2048 bits). */
export const SIGNATURE_WORDS = 64;
const BITS_MASK = SIGNATURE_WORDS * 32 - 1;

function trigramBit(a: number, b: number, c: number): number {
  // Knuth's multiplicative hash of the three UTF-16 code units.
  return (Math.imul((a * 961 + b * 31 + c) | 0, 2654435761) >>> 16) & BITS_MASK;
}

/** Sets the bits of every trigram of `text` in `into` (at `offset` words). */
export function addSignature(text: string, into: Uint32Array, offset: number): void {
  for (let i = 0; i + 2 < text.length; i++) {
    const bit = trigramBit(text.charCodeAt(i), text.charCodeAt(i + 1), text.charCodeAt(i + 2));
    into[offset + (bit >>> 5)] = (into[offset + (bit >>> 5)] as number) | (1 << (bit & 31));
  }
}

/** The query's bits, as one signature (empty for a query shorter than three characters: it rules nothing out). */
export function querySignature(text: string): Uint32Array {
  const signature = new Uint32Array(SIGNATURE_WORDS);
  addSignature(text, signature, 0);
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
