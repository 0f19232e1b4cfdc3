import type { Usage } from '../usage/usage.ts';
import { normaliseTranscriptionUsage } from '../usage/usage-normalise.ts';
import { isRecord, parseJson, rec, str } from '../wire/json-fields.ts';
import type { InterpretedResponse, ResponseInterpreter, WireEvent } from './llm-response.ts';
import { copyMerged, emptyMerged } from './merged-draft.ts';
import { streamErrorOf } from './stream-error.ts';

/**
 * Creates an interpreter for `/v1/audio/transcriptions`: a JSON body (`json`, `verbose_json`) with
 * `text` and `usage`, or, with `stream: true` (gpt-4o-transcribe), `transcript.text.delta` events and
 * a `transcript.text.done` that carries the whole text and the usage. Text formats (srt, vtt, text)
 * have neither. The response names no model: the request's stands.
 */
export function createTranscriptionsInterpreter(): ResponseInterpreter {
  const merged = emptyMerged();
  let usage: Usage | null = null;
  let terminated = false;
  let streamError: InterpretedResponse['streamError'] = null;

  return {
    pushEvent(event: WireEvent): boolean {
      const json = parseJson(event.data);
      if (!isRecord(json)) return false;
      switch (str(json.type) ?? event.event) {
        case 'transcript.text.delta': {
          const delta = str(json.delta);
          if (delta === null || delta === '') return false;
          merged.text += delta;
          return true;
        }
        case 'transcript.text.done':
          terminated = true;
          merged.text = str(json.text) ?? merged.text;
          usage = normaliseTranscriptionUsage(json.usage) ?? usage;
          return false;
        case 'error':
          streamError = streamErrorOf(rec(json.error) ?? json);
          return false;
        default:
          return false;
      }
    },
    readBody(json: unknown): void {
      if (!isRecord(json)) return;
      terminated = true;
      merged.text = str(json.text) ?? '';
      usage = normaliseTranscriptionUsage(json.usage);
    },
    snapshot(): InterpretedResponse {
      return { model: null, merged: copyMerged(merged), usage, terminated, streamError };
    },
  };
}
