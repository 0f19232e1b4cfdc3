import type { Usage } from '../usage/usage.ts';
import { isRecord, type JsonRecord, nonEmptyStr, num, parseJson, rec, str } from '../wire/json-fields.ts';
import type { InterpretedResponse } from './llm-response.ts';
import { copyMerged, emptyMerged } from './merged-draft.ts';
import type { MergedResult, ToolCall } from './merged-result.ts';
import { addUsage, mergeTurns, type WebSocketInterpreter } from './websocket-interpreter.ts';

/** Text the model produced: written text, and the transcript of what it said (GA and beta names). */
const TEXT_DELTAS = new Set([
  'response.output_text.delta',
  'response.text.delta',
  'response.output_audio_transcript.delta',
  'response.audio_transcript.delta',
]);

/** The Realtime API's `usage` (of `response.done`) to `Usage`, audio and cached tokens as parts; null when absent. */
export function normaliseRealtimeUsage(raw: unknown): Usage | null {
  const u = rec(raw);
  const input = num(u?.input_tokens);
  const output = num(u?.output_tokens);
  if (u === null || input === null || output === null) return null;
  const inputDetails = rec(u.input_token_details);
  const outputDetails = rec(u.output_token_details);
  const usage: Usage = {
    inputTokens: input,
    outputTokens: output,
    cachedTokens: num(inputDetails?.cached_tokens),
    reasoningTokens: null,
    totalTokens: num(u.total_tokens) ?? input + output,
  };
  const inputAudio = num(inputDetails?.audio_tokens);
  if (inputAudio !== null) usage.inputAudioTokens = inputAudio;
  const outputAudio = num(outputDetails?.audio_tokens);
  if (outputAudio !== null) usage.outputAudioTokens = outputAudio;
  return usage;
}

/**
 * The Realtime API (OpenAI, Azure): the session's model from `session.created`/`updated`, and
 * per response (`response.created` … `response.done`) its text and transcript deltas and function
 * calls merged, its status and usage from `response.done`. The session's result is its responses
 * merged, their usage added up.
 */
export function createRealtimeInterpreter(requestedModel: string | null): WebSocketInterpreter {
  const turns: { merged: MergedResult; usage: Usage | null; done: boolean }[] = [];
  const calls = new Map<string, ToolCall>();
  let model = requestedModel;
  let streamError: InterpretedResponse['streamError'] = null;

  const current = () => {
    let turn = turns.at(-1);
    if (turn === undefined || turn.done) {
      turn = { merged: emptyMerged(), usage: null, done: false };
      turns.push(turn);
    }
    return turn;
  };

  const callOf = (json: JsonRecord): ToolCall | undefined =>
    calls.get(str(json.item_id) ?? '') ?? calls.get(str(json.call_id) ?? '');

  return {
    push(from, text) {
      if (from === 'client') return false;
      const json = parseJson(text);
      if (!isRecord(json)) return false;
      const type = str(json.type) ?? '';
      if (TEXT_DELTAS.has(type)) {
        const delta = str(json.delta) ?? '';
        current().merged.text += delta;
        return delta !== '';
      }
      switch (type) {
        case 'session.created':
        case 'session.updated':
          model = nonEmptyStr(rec(json.session)?.model) ?? model;
          return false;
        case 'response.created':
          current();
          return false;
        case 'response.output_item.added': {
          const item = rec(json.item);
          if (item?.type !== 'function_call') return false;
          const call: ToolCall = {
            id: str(item.call_id),
            name: str(item.name) ?? '',
            arguments: str(item.arguments) ?? '',
          };
          current().merged.toolCalls.push(call);
          for (const id of [str(item.id), str(item.call_id)]) if (id !== null) calls.set(id, call);
          return true;
        }
        case 'response.function_call_arguments.delta': {
          const call = callOf(json);
          const delta = str(json.delta) ?? '';
          if (call === undefined || delta === '') return false;
          call.arguments += delta;
          return true;
        }
        case 'response.function_call_arguments.done': {
          const call = callOf(json);
          const full = str(json.arguments);
          if (call !== undefined && full !== null) call.arguments = full;
          return false;
        }
        case 'response.done': {
          const turn = current();
          const response = rec(json.response);
          turn.usage = normaliseRealtimeUsage(response?.usage);
          turn.merged.finishReason = str(response?.status) ?? turn.merged.finishReason;
          const details = rec(response?.status_details);
          const failure = rec(details?.error);
          if (str(response?.status) === 'failed' && failure !== null)
            streamError = {
              type: str(failure.type) ?? str(failure.code) ?? 'failed',
              message: str(failure.message) ?? '',
            };
          turn.done = true;
          return false;
        }
        case 'error': {
          const error = rec(json.error) ?? json;
          streamError = {
            type: str(error.type) ?? str(error.code) ?? 'error',
            message: str(error.message) ?? '',
          };
          return false;
        }
        default:
          return false;
      }
    },
    snapshot(): InterpretedResponse {
      const last = turns.at(-1);
      return {
        model,
        merged: mergeTurns(turns.map((turn) => copyMerged(turn.merged))),
        usage: addUsage(turns.map((turn) => turn.usage)),
        terminated: last === undefined || last.done,
        streamError,
      };
    },
  };
}
