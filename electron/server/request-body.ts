import type { IncomingMessage } from 'node:http';

/** An answer the UI server gives as `{"error":{"message"}}` with this status. */
export class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

// The types a cross-site <form> or no-cors fetch may send without a preflight: a body of one of
// these was not sent by our own page, which always says what it sends.
const SIMPLE_TYPES = new Set(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data']);

/**
 * What can be refused from the head alone, before a byte of the body is read: a declared length
 * over `maxBytes` (413), or a body of a type a cross-site form can send (415, see below).
 */
export function refuseByHead(req: IncomingMessage, maxBytes: number): void {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes) throw new HttpError(413, `Bodies over ${maxBytes} bytes are refused here`);
  const hasBody = declared > 0 || req.headers['transfer-encoding'] !== undefined;
  if (hasBody && isSimpleType(req)) throw unsupportedType();
}

function isSimpleType(req: IncomingMessage): boolean {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return type === '' || SIMPLE_TYPES.has(type);
}

function unsupportedType(): HttpError {
  return new HttpError(415, 'Send the body as application/json (or the file type, for an import)');
}

/**
 * The request's body as text, at most `maxBytes` (413 before reading when Content-Length says
 * more, else as soon as the bytes pass it). A non-empty body must have a type a page can only send
 * with a CORS preflight, so no cross-site form can post one (415).
 */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  refuseByHead(req, maxBytes);
  // Not a for-await: leaving it early destroys the socket, and the client would see a reset, not 413.
  const { parts } = await new Promise<{ parts: Buffer[]; size: number }>((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      if (size > maxBytes) return;
      size += chunk.length;
      if (size > maxBytes) {
        parts.length = 0;
        req.pause();
        reject(new HttpError(413, `Bodies over ${maxBytes} bytes are refused here`));
      } else parts.push(chunk);
    });
    req.once('end', () => resolve({ parts, size }));
    req.once('error', reject);
  });
  return Buffer.concat(parts).toString('utf8');
}

/** A request body parsed as JSON (400 when it is not). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'The body is not JSON');
  }
}
