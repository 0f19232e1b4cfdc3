import type { WireEvent } from '../interpreters/llm-response.ts';

/** Turns a response body, fed in network-sized pieces, into wire events. */
export interface WireDecoder {
  /** Feeds the next bytes; returns the events they completed. */
  push(bytes: Uint8Array): WireEvent[];
  /** Signals the end of the body; returns whatever the remaining bytes complete. */
  end(): WireEvent[];
}
