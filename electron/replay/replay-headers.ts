import { REPLAY_HEADER } from '../../shared/contract/tokentap-headers.ts';
import type { HeaderMap } from '../../shared/exchange/capture-events.ts';
import { REDACTED } from '../../shared/security/redact-headers.ts';

// Hop-by-hop headers belong to the recorded connection, not to this one.
const NOT_REPLAYED = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  // Recorded bodies are decoded text: they are sent uncompressed, with their own framing.
  'content-length',
  'content-encoding',
  REPLAY_HEADER,
]);

/**
 * The recorded response headers to send again: minus hop-by-hop ones, minus the recorded
 * framing and encoding (a body's `content-length` is set for its decoded text; a stream goes
 * chunked), minus values the capture redacted; plus `x-tokentap-replay: <recording id>`.
 */
export function replayHeaders(recorded: HeaderMap, recordingId: string, bodyBytes: number | null): HeaderMap {
  const out: HeaderMap = {};
  for (const name in recorded) {
    const value = recorded[name];
    if (value === undefined || NOT_REPLAYED.has(name.toLowerCase())) continue;
    if (value === REDACTED || (Array.isArray(value) && value.includes(REDACTED))) continue;
    out[name] = value;
  }
  if (bodyBytes !== null) out['content-length'] = String(bodyBytes);
  out[REPLAY_HEADER] = recordingId;
  return out;
}
