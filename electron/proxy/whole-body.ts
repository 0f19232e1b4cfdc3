import type { IncomingMessage } from 'node:http';

/**
 * Request bodies declared (`content-length`, no `transfer-encoding`) at most this long are read
 * whole before the request goes upstream, and handed to undici as the pieces that arrived (one
 * Buffer, or several undici writes one after the other: never concatenated).
 *
 * Why: undici's path for a stream body (`writeStream`) keeps each exchange's objects reachable
 * for a while after it ends, so every young-generation collection of the forwarding thread copied
 * a fifth of it: scavenges of 5–20 ms at c=1, where the same proxy with a Buffer or iterable body
 * (or a node:http client) takes 0.3–0.8 ms. Measured with `serve-profile.ts`, against streaming in
 * the same run: the agent-sized turn 1.20× the requests a second (CPU per turn 1,941 → 1,558 µs),
 * small requests at c=32 1.06× (221 → 211 µs).
 *
 * An LLM API answers only once it has the whole request, so reading it first costs the request
 * the time its body takes to arrive over loopback (about a millisecond a MiB). Larger bodies and
 * chunked ones stream as before (an upload the upstream refuses early is answered early).
 */
export const WHOLE_BODY_BYTES = 1024 * 1024;
/**
 * Declared bytes of the bodies being read whole at once, at most: many clients sending slowly (or
 * never finishing) hold no more than this; past it, further requests stream.
 */
export const WHOLE_BODIES_BYTES = 64 * 1024 * 1024;

/** The bodies a proxy reads whole, within `WHOLE_BODIES_BYTES` together. */
export class WholeBodies {
  #reading = 0;
  readonly #limit: number;

  constructor(limit = WHOLE_BODIES_BYTES) {
    this.#limit = limit;
  }

  /** Declared bytes of the bodies being read now. */
  get reading(): number {
    return this.#reading;
  }

  /**
   * Whether this request's body is read whole before it is forwarded (see `WHOLE_BODY_BYTES`); if
   * so, its declared length is held until `read` ends.
   */
  read(req: IncomingMessage, reader: WholeBodyReader): boolean {
    if (req.headers['transfer-encoding'] !== undefined) return false;
    const length = Number(req.headers['content-length']);
    if (!(length > 0 && length <= WHOLE_BODY_BYTES) || this.#reading + length > this.#limit) return false;
    this.#reading += length;
    const release = () => {
      this.#reading -= length;
    };
    readWholeBody(req, {
      part: reader.part,
      end: (body) => {
        release();
        reader.end(body);
      },
      aborted: (body) => {
        release();
        reader.aborted(body);
      },
    });
    return true;
  }
}

/** A body read whole: the pieces as they arrived, and how many bytes. */
export interface WholeBody {
  parts: Buffer[];
  bytes: number;
}

/** What reading a body whole tells: each piece as it arrives, then the end or the client going first. */
export interface WholeBodyReader {
  part(data: Buffer): void;
  end(body: WholeBody): void;
  /** The client's connection closed or failed mid-body. */
  aborted(body: WholeBody): void;
}

/** Reads the request's body whole; exactly one of `end` and `aborted` is called, after its parts. */
function readWholeBody(req: IncomingMessage, reader: WholeBodyReader): void {
  const body: WholeBody = { parts: [], bytes: 0 };
  let settled = false;
  req.on('data', (chunk: Buffer) => {
    body.parts.push(chunk);
    body.bytes += chunk.length;
    reader.part(chunk);
  });
  req.once('end', () => {
    if (settled) return;
    settled = true;
    reader.end(body);
  });
  // A client gone mid-body: 'close' without 'end' (and an 'error', which must not go unheard).
  req.on('error', () => undefined);
  req.once('close', () => {
    if (settled) return;
    settled = true;
    reader.aborted(body);
  });
}

/** The body as undici takes it: the one piece, or the pieces in order (an iterable it writes one by one). */
export function bodyForUndici(body: WholeBody): Buffer | Buffer[] | null {
  if (body.bytes === 0) return null;
  return body.parts.length === 1 ? (body.parts[0] as Buffer) : body.parts;
}
