import type { Transform } from 'node:stream';
import {
  constants,
  createBrotliDecompress,
  createGunzip,
  createInflate,
  createZstdDecompress,
} from 'node:zlib';

/**
 * Undoes `content-encoding` for analysis only: the client got the compressed bytes untouched.
 * Decoded output is delivered with the arrival time of the network chunk that produced it.
 */
export interface BodyDecoder {
  /** False for `identity`: bytes pass through as they are, and a hole in them stays a hole. */
  readonly decompresses: boolean;
  write(chunk: Uint8Array, t: number): void;
  /** Calls `done` once every decoded byte has been delivered (or decoding failed). */
  end(done: (error?: Error) => void): void;
}

type Deliver = (decoded: Uint8Array, t: number) => void;

/** A decoder for the given `content-encoding`, or null when it is not one Tokentap can read. */
export function createBodyDecoder(encoding: string | undefined, deliver: Deliver): BodyDecoder | null {
  const name = (encoding ?? '').trim().toLowerCase();
  if (name === '' || name === 'identity') return passThrough(deliver);
  const stream = decompressorFor(name);
  return stream ? viaStream(stream, deliver) : null;
}

function decompressorFor(encoding: string): Transform | null {
  // Servers flush compressed SSE per event; decode what is there without waiting for more.
  const flush = { flush: constants.Z_SYNC_FLUSH, finishFlush: constants.Z_SYNC_FLUSH };
  switch (encoding) {
    case 'gzip':
    case 'x-gzip':
      return createGunzip(flush);
    case 'deflate':
      return createInflate(flush);
    case 'br':
      return createBrotliDecompress({
        flush: constants.BROTLI_OPERATION_FLUSH,
        finishFlush: constants.BROTLI_OPERATION_FLUSH,
      });
    case 'zstd':
      return createZstdDecompress();
    default:
      return null;
  }
}

function passThrough(deliver: Deliver): BodyDecoder {
  return {
    decompresses: false,
    write: deliver,
    end: (done) => done(),
  };
}

function viaStream(stream: Transform, deliver: Deliver): BodyDecoder {
  let latestT = 0;
  let failed: Error | undefined;
  stream.on('data', (decoded: Buffer) => deliver(decoded, latestT));
  stream.on('error', (error: Error) => {
    failed = error;
  });
  return {
    decompresses: true,
    write(chunk, t) {
      latestT = t;
      if (!failed) stream.write(chunk);
    },
    end(done) {
      if (failed) return done(failed);
      stream.once('end', () => done());
      stream.once('error', (error: Error) => done(error));
      stream.end();
    },
  };
}
