import type { CapturedBody } from '../exchange/exchange-record.ts';

/** How many bytes a base64 text decodes to. */
export function base64Length(text: string): number {
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((text.length * 3) / 4) - padding);
}

/**
 * The bytes of a base64 text (no `Buffer` here: this runs in the page too). Like `Buffer`, it
 * never throws: characters that are not base64 (from a hand-edited file) are skipped.
 */
export function base64ToBytes(text: string): Uint8Array<ArrayBuffer> {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    const clean = text.replace(/[^A-Za-z0-9+/]/g, '');
    binary = atob(clean.slice(0, clean.length - (clean.length % 4 === 1 ? 1 : 0)));
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The captured body's bytes: base64 decoded, text as UTF-8. */
export function capturedBodyBytes(
  captured: Pick<CapturedBody, 'body' | 'encoding'>,
): Uint8Array<ArrayBuffer> {
  return captured.encoding === 'base64'
    ? base64ToBytes(captured.body)
    : (new TextEncoder().encode(captured.body) as Uint8Array<ArrayBuffer>);
}

/** The captured body's byte count as stored (what the capture kept, holes and cap aside). */
export function capturedBodyLength(captured: Pick<CapturedBody, 'body' | 'encoding'>): number {
  return captured.encoding === 'base64'
    ? base64Length(captured.body)
    : new TextEncoder().encode(captured.body).byteLength;
}
