import type { Usage } from '../usage/usage.ts';
import {
  arr,
  isRecord,
  type JsonRecord,
  nonEmptyStr,
  num,
  parseJson,
  rec,
  str,
} from '../wire/json-fields.ts';
import { geminiErrorOf } from './gemini-error.ts';
import { normaliseGeminiUsage } from './gemini-usage.ts';
import type { InterpretedResponse, ResponseInterpreter, WireEvent } from './llm-response.ts';
import { appendText, copyMerged, emptyMerged } from './merged-draft.ts';

/**
 * Creates an interpreter for Gemini's native `generateContent` and `streamGenerateContent` (SSE
 * or JSON-array elements), also as Vertex AI serves them. Each chunk is a whole
 * GenerateContentResponse whose parts add to the answer: text, thought summaries (`thought: true`)
 * as reasoning, whole `functionCall`s. Only the first candidate is merged. Usage is a running
 * snapshot on every chunk in some streams, so the last one stands, once the chunk that carries a
 * `finishReason` (Gemini's only terminator) has arrived.
 */
export function createGeminiInterpreter(): ResponseInterpreter {
  const merged = emptyMerged();
  let model: string | null = null;
  let usage: Usage | null = null;
  let terminated = false;
  let streamError: InterpretedResponse['streamError'] = null;

  function readPart(part: JsonRecord): boolean {
    let output = false;
    const text = str(part.text);
    if (text !== null && text !== '') {
      if (part.thought === true) merged.reasoning = appendText(merged.reasoning, text);
      else merged.text += text;
      output = true;
    }
    const call = rec(part.functionCall);
    if (call !== null) {
      // Calls arrive whole (no argument deltas); `args` is an object, or absent for a call without any.
      merged.toolCalls.push({
        id: nonEmptyStr(call.id),
        name: str(call.name) ?? '',
        arguments: call.args === undefined ? '{}' : JSON.stringify(call.args),
      });
      output = true;
    }
    return output;
  }

  function readChunk(json: JsonRecord): boolean {
    model = nonEmptyStr(json.modelVersion) ?? model;
    const chunkUsage = normaliseGeminiUsage(json.usageMetadata);
    if (chunkUsage !== null) usage = chunkUsage;
    let output = false;
    for (const candidate of arr(json.candidates)) {
      if (!isRecord(candidate) || (num(candidate.index) ?? 0) !== 0) continue;
      for (const part of arr(rec(candidate.content)?.parts)) {
        if (isRecord(part) && readPart(part)) output = true;
      }
      const finish = nonEmptyStr(candidate.finishReason);
      if (finish !== null) {
        merged.finishReason = finish;
        terminated = true;
      }
    }
    // A blocked prompt gets no candidate at all, only the reason.
    const blocked = nonEmptyStr(rec(json.promptFeedback)?.blockReason);
    if (blocked !== null && merged.finishReason === null) {
      merged.finishReason = blocked;
      terminated = true;
    }
    return output;
  }

  return {
    pushEvent(event: WireEvent): boolean {
      const json = parseJson(event.data);
      if (!isRecord(json)) return false;
      const error = geminiErrorOf(json);
      if (error !== null) {
        streamError = { type: error.type ?? error.code ?? 'error', message: error.message };
        return false;
      }
      return readChunk(json);
    },

    readBody(json: unknown): void {
      // A whole response; an error body (a failed status) is the upstream error's, not an in-band one.
      const chunks = Array.isArray(json) ? json : [json];
      for (const chunk of chunks) {
        if (isRecord(chunk) && geminiErrorOf(chunk) === null) {
          readChunk(chunk);
          terminated = true;
        }
      }
    },

    snapshot(): InterpretedResponse {
      // A snapshot before the finish is a running count (candidatesTokenCount may not be there yet,
      // though text was): an interrupted stream's usage is unknown, not the last partial count.
      return { model, merged: copyMerged(merged), usage: terminated ? usage : null, terminated, streamError };
    },
  };
}
