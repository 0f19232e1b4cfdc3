import type { Usage } from '../usage/usage.ts';
import { normaliseChatUsage } from '../usage/usage-normalise.ts';
import { arr, isRecord, type JsonRecord, nonEmptyStr, num, rec, str } from '../wire/json-fields.ts';
import { firstChoice } from './first-choice.ts';
import type { InterpretedResponse, ResponseInterpreter, WireEvent } from './llm-response.ts';
import { appendText, copyMerged, emptyMerged } from './merged-draft.ts';
import type { ToolCall } from './merged-result.ts';
import { readOpenAiChunk } from './stream-error.ts';

/**
 * Creates an interpreter for Chat Completions (OpenAI, Azure, and OpenAI-compatible servers such as vLLM and
 * Ollama's /v1). Only choice 0 is merged: `n > 1` is rare and the other choices would need a result each.
 */
export function createChatInterpreter(): ResponseInterpreter {
  const merged = emptyMerged();
  // The call currently open at each stream `index`.
  const callAtIndex = new Map<number, ToolCall>();
  let model: string | null = null;
  let usage: Usage | null = null;
  let terminated = false;
  let streamError: InterpretedResponse['streamError'] = null;

  function readHeader(json: JsonRecord): void {
    // Azure's leading prompt-filter chunk names no model (''), so only a real name counts.
    model = nonEmptyStr(json.model) ?? model;
    // `usage: null` rides on every chunk under include_usage; vLLM repeats a cumulative one, so the last wins.
    const u = normaliseChatUsage(json.usage);
    if (u !== null) usage = u;
  }

  function readToolCallDelta(delta: unknown, position: number): boolean {
    if (!isRecord(delta)) return false;
    const fn = rec(delta.function);
    const id = str(delta.id);
    const index = num(delta.index) ?? position;
    let call = callAtIndex.get(index);
    let output = false;
    // Ollama's /v1 server gives every call index 0: a different id at an index means another call.
    if (call === undefined || (id !== null && id !== '' && call.id !== null && call.id !== id)) {
      call = { id: id === '' ? null : id, name: '', arguments: '' };
      callAtIndex.set(index, call);
      merged.toolCalls.push(call);
      output = true;
    } else if (call.id === null && id !== null && id !== '') {
      call.id = id;
    }
    const name = str(fn?.name);
    if (name !== null && name !== '' && call.name === '') call.name = name;
    const args = fn?.arguments;
    if (typeof args === 'string') {
      call.arguments += args;
      if (args !== '') output = true;
    } else if (isRecord(args)) {
      // A few compatible servers send the arguments as an already-parsed object.
      call.arguments = JSON.stringify(args);
      output = true;
    }
    return output;
  }

  function readChoiceDelta(choice: JsonRecord): boolean {
    const delta = rec(choice.delta) ?? {};
    let output = false;
    const content = str(delta.content);
    if (content !== null && content !== '') {
      merged.text += content;
      output = true;
    }
    const refusal = str(delta.refusal);
    if (refusal !== null && refusal !== '') {
      merged.refusal = appendText(merged.refusal, refusal);
      output = true;
    }
    // DeepSeek and vLLM say reasoning_content, newer vLLM and Ollama say reasoning; some send both.
    const reasoning = str(delta.reasoning_content) ?? str(delta.reasoning);
    if (reasoning !== null && reasoning !== '') {
      merged.reasoning = appendText(merged.reasoning, reasoning);
      output = true;
    }
    arr(delta.tool_calls).forEach((call, position) => {
      if (readToolCallDelta(call, position)) output = true;
    });
    const finish = str(choice.finish_reason);
    if (finish !== null) merged.finishReason = finish;
    return output;
  }

  return {
    pushEvent(event: WireEvent): boolean {
      const chunk = readOpenAiChunk(event.data);
      if (chunk === null) return false;
      if (chunk.done) {
        terminated = true;
        return false;
      }
      const { json } = chunk;
      if (chunk.error !== null) streamError = chunk.error;
      readHeader(json);
      const choice = firstChoice(json.choices);
      return choice === null ? false : readChoiceDelta(choice);
    },

    readBody(json: unknown): void {
      if (!isRecord(json)) return;
      terminated = true;
      readHeader(json);
      const choice = firstChoice(json.choices);
      if (choice === null) return;
      const message = rec(choice.message) ?? {};
      merged.text = contentText(message.content);
      merged.refusal = str(message.refusal);
      merged.reasoning = str(message.reasoning_content) ?? str(message.reasoning);
      merged.toolCalls = arr(message.tool_calls).flatMap((raw): ToolCall[] => {
        if (!isRecord(raw)) return [];
        const fn = rec(raw.function);
        const args = fn?.arguments;
        return [
          {
            id: str(raw.id),
            name: str(fn?.name) ?? '',
            arguments: typeof args === 'string' ? args : isRecord(args) ? JSON.stringify(args) : '',
          },
        ];
      });
      merged.finishReason = str(choice.finish_reason);
    },

    snapshot(): InterpretedResponse {
      return { model, merged: copyMerged(merged), usage, terminated, streamError };
    },
  };
}

// Some compatible servers answer with content parts instead of a string.
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  return arr(content)
    .map((part) => (isRecord(part) && part.type === 'text' ? (str(part.text) ?? '') : ''))
    .join('');
}
