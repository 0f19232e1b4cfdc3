import type { Usage } from '../usage/usage.ts';
import type { MergedResult } from './merged-result.ts';

/** One decoded stream event: an SSE event, or one NDJSON line (with `event` null). */
export interface WireEvent {
  event: string | null;
  data: string;
}

/** What an interpreter has understood of a response so far. */
export interface InterpretedResponse {
  /** The model that answered, when the response names it (Azure: only the response does). */
  model: string | null;
  merged: MergedResult;
  usage: Usage | null;
  /** True once the protocol's terminator arrived: `[DONE]`, `response.completed`, `message_stop`, `done: true`. */
  terminated: boolean;
  /** An error reported in-band by a 200 stream. */
  streamError: { type: string; message: string } | null;
}

/** Incremental reader of one LLM response, streamed or not. */
export interface ResponseInterpreter {
  /** Feeds one stream event; returns true when it carried model output (text, refusal, reasoning, tool call). */
  pushEvent(event: WireEvent): boolean;
  /** Reads a complete non-streaming JSON body. */
  readBody(json: unknown): void;
  snapshot(): InterpretedResponse;
}
