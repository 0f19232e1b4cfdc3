import type { ApiKind } from './api-kind.ts';
import { createNdjsonDecoder } from './ndjson-decoder.ts';
import { createSseDecoder } from './sse-decoder.ts';
import type { WireDecoder } from './wire-decoder.ts';

/** The decoder for a streamed body: NDJSON when the content type says so or for Ollama's native API, else SSE. */
export function createWireDecoder(api: ApiKind, contentType: string | null): WireDecoder {
  const type = (contentType ?? '').toLowerCase();
  if (type.includes('ndjson') || type.includes('jsonl')) return createNdjsonDecoder();
  if (type.includes('text/event-stream')) return createSseDecoder();
  return api === 'ollama.chat' || api === 'ollama.generate' ? createNdjsonDecoder() : createSseDecoder();
}
