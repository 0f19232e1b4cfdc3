import type { ApiKind } from '../interpreters/api-kind.ts';
import { createJsonArrayDecoder } from './json-array-decoder.ts';
import { createNdjsonDecoder } from './ndjson-decoder.ts';
import { createSseDecoder } from './sse-decoder.ts';
import type { WireDecoder } from './wire-decoder.ts';

/** The decoder for a streamed body: NDJSON when the content type says so or for Ollama's native API, a JSON array for Gemini's JSON, else SSE. */
export function createWireDecoder(api: ApiKind, contentType: string | null): WireDecoder {
  const type = (contentType ?? '').toLowerCase();
  if (type.includes('ndjson') || type.includes('jsonl')) return createNdjsonDecoder();
  // Gemini streams a JSON array unless asked for SSE.
  if (api === 'gemini.generate' && type.includes('json')) return createJsonArrayDecoder();
  if (type.includes('text/event-stream')) return createSseDecoder();
  return api === 'ollama.chat' || api === 'ollama.generate' ? createNdjsonDecoder() : createSseDecoder();
}
