import type { ExchangeRecord } from '../../shared/exchange/exchange-record.ts';
import { arr, isRecord, type JsonRecord, str } from '../../shared/wire/json-fields.ts';

/** A message part in the GenAI conventions' shape (`text`, `tool_call`, `tool_call_response`, `reasoning`). */
type Part = Record<string, unknown>;

interface Message {
  role: string;
  parts: Part[];
  finish_reason?: string;
}

/**
 * The opt-in content attributes of a span, as the GenAI conventions shape them, serialised as
 * JSON strings: `gen_ai.input.messages`, `gen_ai.output.messages`, `gen_ai.system_instructions`,
 * `gen_ai.tool.definitions`. The record is already scrubbed of the keys the request carried.
 */
export function genAiContent(record: ExchangeRecord, request: JsonRecord): Record<string, string> {
  const out: Record<string, string> = {};
  const input = inputMessages(request);
  if (input.length > 0) out['gen_ai.input.messages'] = JSON.stringify(input);
  const system = systemInstructions(request);
  if (system.length > 0) out['gen_ai.system_instructions'] = JSON.stringify(system);
  const tools = arr(request.tools);
  if (tools.length > 0) out['gen_ai.tool.definitions'] = JSON.stringify(tools);
  const merged = record.merged;
  if (merged && (merged.text !== '' || merged.toolCalls.length > 0 || merged.reasoning)) {
    const parts: Part[] = [];
    if (merged.reasoning) parts.push({ type: 'reasoning', content: merged.reasoning });
    if (merged.text !== '') parts.push({ type: 'text', content: merged.text });
    for (const call of merged.toolCalls)
      parts.push({
        type: 'tool_call',
        id: call.id,
        name: call.name,
        arguments: parsedOrText(call.arguments),
      });
    const message: Message = { role: 'assistant', parts };
    if (merged.finishReason) message.finish_reason = merged.finishReason;
    out['gen_ai.output.messages'] = JSON.stringify([message]);
  }
  return out;
}

function inputMessages(request: JsonRecord): Message[] {
  // Chat, Anthropic and Ollama chat: `messages`; Responses: `input` (text or items); completions: `prompt`.
  if (typeof request.input === 'string') return [{ role: 'user', parts: [textPart(request.input)] }];
  if (typeof request.prompt === 'string') return [{ role: 'user', parts: [textPart(request.prompt)] }];
  const items = Array.isArray(request.messages) ? request.messages : arr(request.input);
  const messages: Message[] = [];
  for (const item of items) {
    if (!isRecord(item)) continue;
    const type = str(item.type);
    if (type === 'function_call') {
      messages.push({
        role: 'assistant',
        parts: [
          { type: 'tool_call', id: item.call_id, name: item.name, arguments: parsedOrText(item.arguments) },
        ],
      });
      continue;
    }
    if (type === 'function_call_output') {
      messages.push({
        role: 'tool',
        parts: [{ type: 'tool_call_response', id: item.call_id, response: item.output }],
      });
      continue;
    }
    const role = str(item.role) ?? 'user';
    const parts = partsOf(item.content);
    for (const call of arr(item.tool_calls))
      if (isRecord(call) && isRecord(call.function))
        parts.push({
          type: 'tool_call',
          id: call.id,
          name: call.function.name,
          arguments: parsedOrText(call.function.arguments),
        });
    if (role === 'tool') {
      messages.push({
        role,
        parts: [{ type: 'tool_call_response', id: item.tool_call_id, response: item.content }],
      });
      continue;
    }
    messages.push({ role, parts });
  }
  return messages;
}

function systemInstructions(request: JsonRecord): Part[] {
  // Given apart from the conversation: Anthropic's `system`, the Responses API's `instructions`.
  return [...partsOf(request.system), ...partsOf(request.instructions)];
}

function partsOf(content: unknown): Part[] {
  if (typeof content === 'string') return content === '' ? [] : [textPart(content)];
  const parts: Part[] = [];
  for (const block of arr(content)) {
    if (typeof block === 'string') parts.push(textPart(block));
    if (!isRecord(block)) continue;
    const type = str(block.type);
    const text = str(block.text);
    if (text !== null) parts.push(textPart(text));
    else if (type === 'tool_use')
      parts.push({ type: 'tool_call', id: block.id, name: block.name, arguments: block.input });
    else if (type === 'tool_result')
      parts.push({ type: 'tool_call_response', id: block.tool_use_id, response: block.content });
    else if (type === 'thinking') parts.push({ type: 'reasoning', content: str(block.thinking) ?? '' });
    // Images, audio and files are named, not inlined: a span is no place for megabytes of base64.
    else if (type) parts.push({ type: 'blob', modality: type });
  }
  return parts;
}

function textPart(content: string): Part {
  return { type: 'text', content };
}

function parsedOrText(text: string | unknown): unknown {
  if (typeof text !== 'string') return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
