import type { Usage } from '../usage/usage.ts';
import { normaliseAnthropicUsage } from '../usage/usage-normalise.ts';
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
import { copyMerged, emptyMerged } from './merged-draft.ts';
import type { ToolCall } from './merged-result.ts';
import { streamErrorOf } from './stream-error.ts';

const TOOL_BLOCKS = new Set(['tool_use', 'server_tool_use', 'mcp_tool_use']);

interface ToolDraft {
  call: ToolCall;
  /** The `input` of content_block_start, used when no input_json_delta follows. */
  startInput: unknown;
}

/**
 * Creates an interpreter for Anthropic Messages, streamed or not. Separate text (and thinking) blocks are
 * joined with a blank line: they are paragraphs around tool calls, and plain concatenation glues sentences.
 */
export function createAnthropicInterpreter(): ResponseInterpreter {
  const merged = emptyMerged();
  const texts: string[] = [];
  const thoughts: string[] = [];
  // Content block index → where its deltas go.
  const textAt = new Map<number, number>();
  const thoughtAt = new Map<number, number>();
  const toolAt = new Map<number, ToolDraft>();
  const tools: ToolDraft[] = [];
  let model: string | null = null;
  // message_start's usage is provisional (output_tokens 1); message_delta's fields replace it as they come.
  let rawUsage: JsonRecord = {};
  let finalUsageSeen = false;
  let terminated = false;
  let streamError: InterpretedResponse['streamError'] = null;

  function startBlock(index: number, block: JsonRecord): boolean {
    const type = str(block.type) ?? '';
    if (type === 'text') {
      textAt.set(index, texts.push(str(block.text) ?? '') - 1);
    } else if (type === 'thinking') {
      thoughtAt.set(index, thoughts.push(str(block.thinking) ?? '') - 1);
    } else if (TOOL_BLOCKS.has(type)) {
      const draft: ToolDraft = {
        call: { id: str(block.id), name: str(block.name) ?? '', arguments: '' },
        startInput: block.input,
      };
      toolAt.set(index, draft);
      tools.push(draft);
      return true;
    }
    return false;
  }

  function applyDelta(index: number, delta: JsonRecord): boolean {
    switch (delta.type) {
      case 'text_delta':
        return appendAt(texts, textAt.get(index), str(delta.text));
      case 'thinking_delta':
        return appendAt(thoughts, thoughtAt.get(index), str(delta.thinking));
      case 'input_json_delta': {
        const draft = toolAt.get(index);
        const piece = str(delta.partial_json) ?? '';
        if (draft === undefined || piece === '') return false;
        draft.call.arguments += piece;
        return true;
      }
      default:
        // signature_delta and citations_delta carry no text of their own.
        return false;
    }
  }

  function readUsage(usage: unknown, final: boolean): void {
    const u = rec(usage);
    if (u === null) return;
    // Counts, and the object that splits cache writes by lifetime (5 minutes, 1 hour).
    const kept = Object.entries(u).filter(
      ([k, v]) => num(v) !== null || (k === 'cache_creation' && isRecord(v)),
    );
    rawUsage = { ...rawUsage, ...Object.fromEntries(kept) };
    if (final) finalUsageSeen = true;
  }

  return {
    pushEvent(event: WireEvent): boolean {
      const json = parseJson(event.data);
      if (!isRecord(json)) return false;
      switch (str(json.type) ?? event.event) {
        case 'message_start': {
          const message = rec(json.message);
          model = nonEmptyStr(message?.model) ?? model;
          readUsage(message?.usage, false);
          return false;
        }
        case 'content_block_start': {
          const block = rec(json.content_block);
          return block === null ? false : startBlock(num(json.index) ?? -1, block);
        }
        case 'content_block_delta': {
          const delta = rec(json.delta);
          return delta === null ? false : applyDelta(num(json.index) ?? -1, delta);
        }
        case 'message_delta': {
          const stop = str(rec(json.delta)?.stop_reason);
          if (stop !== null) merged.finishReason = stop;
          readUsage(json.usage, true);
          return false;
        }
        case 'message_stop':
          terminated = true;
          return false;
        case 'error':
          streamError = streamErrorOf(rec(json.error));
          return false;
        default:
          // ping and content_block_stop change nothing.
          return false;
      }
    },

    readBody(json: unknown): void {
      if (!isRecord(json)) return;
      terminated = true;
      model = nonEmptyStr(json.model) ?? model;
      merged.finishReason = str(json.stop_reason);
      readUsage(json.usage, true);
      arr(json.content).forEach((block, index) => {
        if (!isRecord(block)) return;
        startBlock(index, block);
        // Non-streamed tool input is an object; keep it as the JSON text a stream would have produced.
        const draft = toolAt.get(index);
        if (draft !== undefined && block.input !== undefined)
          draft.call.arguments = JSON.stringify(block.input);
      });
    },

    snapshot(): InterpretedResponse {
      const text = texts.filter((t) => t !== '');
      const thought = thoughts.filter((t) => t !== '');
      const result = copyMerged(merged);
      result.text = text.join('\n\n');
      result.reasoning = thought.length > 0 ? thought.join('\n\n') : null;
      result.toolCalls = tools.map(({ call, startInput }) => ({
        ...call,
        arguments:
          call.arguments === '' && isRecord(startInput) ? JSON.stringify(startInput) : call.arguments,
      }));
      // Without message_delta the output count is a placeholder: an interrupted stream has no usage.
      const usage: Usage | null = finalUsageSeen ? normaliseAnthropicUsage(rawUsage) : null;
      return { model, merged: result, usage, terminated, streamError };
    },
  };
}

function appendAt(parts: string[], at: number | undefined, piece: string | null): boolean {
  if (at === undefined || piece === null || piece === '') return false;
  parts[at] += piece;
  return true;
}
