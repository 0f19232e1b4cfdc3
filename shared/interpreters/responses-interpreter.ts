import type { Usage } from '../usage/usage.ts';
import { normaliseResponsesUsage } from '../usage/usage-normalise.ts';
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
import type { InterpretedResponse, ResponseInterpreter, WireEvent } from './llm-response.ts';
import { appendText, copyMerged, emptyMerged } from './merged-draft.ts';
import type { ToolCall } from './merged-result.ts';

const TERMINATORS = new Set(['response.completed', 'response.incomplete', 'response.failed']);

/** Creates an interpreter for the OpenAI (and Azure) Responses API, streamed or not. */
export function createResponsesInterpreter(): ResponseInterpreter {
  const merged = emptyMerged();
  // Argument deltas name their item by id (newer streams) and by output_index (all streams).
  const callByItem = new Map<string, ToolCall>();
  const callByOutput = new Map<number, ToolCall>();
  // Which summary part reasoning text last came from, to put a paragraph break between parts.
  let reasoningPart: string | null = null;
  let model: string | null = null;
  let usage: Usage | null = null;
  let terminated = false;
  let streamError: InterpretedResponse['streamError'] = null;

  function findCall(json: JsonRecord): ToolCall | undefined {
    const itemId = str(json.item_id);
    const outputIndex = num(json.output_index);
    return (
      (itemId === null ? undefined : callByItem.get(itemId)) ??
      (outputIndex === null ? undefined : callByOutput.get(outputIndex))
    );
  }

  function addReasoning(json: JsonRecord, kind: string): boolean {
    const delta = str(json.delta);
    if (delta === null || delta === '') return false;
    const part = `${kind}:${str(json.item_id) ?? ''}:${num(json.summary_index) ?? num(json.content_index) ?? 0}`;
    if (merged.reasoning !== null && reasoningPart !== part) merged.reasoning += '\n\n';
    reasoningPart = part;
    merged.reasoning = appendText(merged.reasoning, delta);
    return true;
  }

  function readResponse(response: JsonRecord | null, type: string): void {
    if (response === null) return;
    model = nonEmptyStr(response.model) ?? model;
    const u = normaliseResponsesUsage(response.usage);
    if (u !== null) usage = u;
    if (!TERMINATORS.has(type)) return;
    const status = str(response.status);
    if (status === 'incomplete') {
      merged.finishReason = str(rec(response.incomplete_details)?.reason) ?? 'incomplete';
    } else if (status !== null) {
      merged.finishReason = status;
    }
  }

  return {
    pushEvent(event: WireEvent): boolean {
      const json = parseJson(event.data);
      if (!isRecord(json)) return false;
      // OpenAI always sets `type` to the event name; Azure proxies have been seen dropping `event:` lines.
      const type = str(json.type) ?? event.event ?? '';
      switch (type) {
        case 'response.output_text.delta': {
          const delta = str(json.delta) ?? '';
          merged.text += delta;
          return delta !== '';
        }
        case 'response.refusal.delta': {
          const delta = str(json.delta) ?? '';
          if (delta === '') return false;
          merged.refusal = appendText(merged.refusal, delta);
          return true;
        }
        case 'response.reasoning_summary_text.delta':
          return addReasoning(json, 'summary');
        case 'response.reasoning_text.delta':
          return addReasoning(json, 'text');
        case 'response.output_item.added': {
          const item = rec(json.item);
          if (item === null || (item.type !== 'function_call' && item.type !== 'custom_tool_call'))
            return false;
          const call: ToolCall = {
            id: str(item.call_id) ?? str(item.id),
            name: str(item.name) ?? '',
            arguments: str(item.arguments) ?? str(item.input) ?? '',
          };
          merged.toolCalls.push(call);
          const itemId = str(item.id);
          if (itemId !== null) callByItem.set(itemId, call);
          const outputIndex = num(json.output_index);
          if (outputIndex !== null) callByOutput.set(outputIndex, call);
          return true;
        }
        case 'response.function_call_arguments.delta':
        case 'response.custom_tool_call_input.delta': {
          const call = findCall(json);
          const delta = str(json.delta) ?? '';
          if (call === undefined || delta === '') return false;
          call.arguments += delta;
          return true;
        }
        case 'response.function_call_arguments.done':
        case 'response.custom_tool_call_input.done': {
          // The final text is authoritative should a delta have been lost.
          const call = findCall(json);
          const full = str(json.arguments) ?? str(json.input);
          if (call !== undefined && full !== null) call.arguments = full;
          return false;
        }
        case 'error': {
          // Documented shape is flat ({code, message}); recorded streams nest it ({error: {type, code, message}}).
          const error = rec(json.error) ?? json;
          const errorType = str(error.type);
          streamError = {
            type: (errorType !== 'error' ? errorType : null) ?? str(error.code) ?? 'error',
            message: str(error.message) ?? '',
          };
          return false;
        }
        default:
          if (type.startsWith('response.') && isRecord(json.response)) {
            readResponse(json.response, type);
            if (TERMINATORS.has(type)) terminated = true;
            // A preceding `error` event is the more specific report; keep it.
            if (type === 'response.failed' && streamError === null) {
              const error = rec(json.response.error);
              streamError = {
                type: str(error?.code) ?? str(error?.type) ?? 'response.failed',
                message: str(error?.message) ?? '',
              };
            }
          }
          return false;
      }
    },

    readBody(json: unknown): void {
      if (!isRecord(json)) return;
      terminated = true;
      // A non-streamed body is the final response object, read like a stream's last event.
      readResponse(json, `response.${str(json.status) ?? 'completed'}`);
      const text: string[] = [];
      const refusal: string[] = [];
      const reasoning: string[] = [];
      for (const item of arr(json.output)) {
        if (!isRecord(item)) continue;
        if (item.type === 'message') {
          for (const part of arr(item.content)) {
            if (!isRecord(part)) continue;
            if (part.type === 'output_text') text.push(str(part.text) ?? '');
            if (part.type === 'refusal') refusal.push(str(part.refusal) ?? '');
          }
        } else if (item.type === 'function_call' || item.type === 'custom_tool_call') {
          merged.toolCalls.push({
            id: str(item.call_id) ?? str(item.id),
            name: str(item.name) ?? '',
            arguments: str(item.arguments) ?? str(item.input) ?? '',
          });
        } else if (item.type === 'reasoning') {
          for (const part of [...arr(item.summary), ...arr(item.content)]) {
            const partText = isRecord(part) ? str(part.text) : null;
            if (partText !== null) reasoning.push(partText);
          }
        }
      }
      merged.text = text.join('');
      merged.refusal = refusal.length > 0 ? refusal.join('') : null;
      merged.reasoning = reasoning.length > 0 ? reasoning.join('\n\n') : null;
    },

    snapshot(): InterpretedResponse {
      return { model, merged: copyMerged(merged), usage, terminated, streamError };
    },
  };
}
