import type { MergedResult } from '../../../shared/interpreters/merged-result.ts';
import { formatPath, type PathStep } from '../json-tree/json-path.ts';
import { safeImageSource } from './safe-url.ts';

/** One part of a message as a person reads it, whatever the API called it. */
export type ChatPart =
  | { kind: 'text'; text: string }
  | { kind: 'reasoning'; text: string }
  /** `src` is a data URL from the body, or null for an image Tokentap will not fetch (`label` says what it was). */
  | { kind: 'image'; src: string | null; label: string }
  | { kind: 'tool-call'; name: string; id: string | null; args: string }
  | { kind: 'tool-result'; name: string | null; id: string | null; text: string; isError: boolean }
  | { kind: 'other'; label: string; json: string };

/** One message: who said it, where it sits in the body (`messages[3]`), what it holds. */
export interface ChatMessage {
  role: string;
  name: string | null;
  /** Its place in the request body, or `answer` for the merged response. */
  place: string;
  parts: ChatPart[];
}

export interface ChatTool {
  name: string;
  description: string | null;
  parameters: unknown;
}

/** A request's conversation (and the answer, when given) in reading order, with the tools offered. */
export interface Chat {
  messages: ChatMessage[];
  tools: ChatTool[];
}

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const jsonText = (v: unknown): string => (typeof v === 'string' ? v : (JSON.stringify(v ?? null) ?? ''));

function image(src: string | null, fallback: string): ChatPart {
  const safe = src === null ? null : safeImageSource(src);
  return { kind: 'image', src: safe, label: safe === null ? (src ?? fallback) : fallback };
}

function base64Image(mime: unknown, data: unknown): ChatPart {
  const type = str(mime) ?? 'image/png';
  return typeof data === 'string'
    ? image(`data:${type};base64,${data}`, type)
    : { kind: 'other', label: 'image', json: jsonText(data) };
}

/** The text of a tool result's content (a string, or blocks of text). */
function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return jsonText(content);
  return content
    .map((block) => (isObj(block) && typeof block.text === 'string' ? block.text : jsonText(block)))
    .join('\n');
}

/** One content block of OpenAI chat, Responses or Anthropic Messages. */
function blockPart(block: unknown): ChatPart {
  if (typeof block === 'string') return { kind: 'text', text: block };
  if (!isObj(block)) return { kind: 'other', label: 'part', json: jsonText(block) };
  const type = str(block.type) ?? '';
  const text = str(block.text);
  switch (type) {
    case '':
    case 'text':
    case 'input_text':
    case 'output_text':
      if (text !== null) return { kind: 'text', text };
      break;
    case 'refusal':
      return { kind: 'text', text: str(block.refusal) ?? '' };
    case 'image_url': {
      const url = isObj(block.image_url) ? str(block.image_url.url) : str(block.image_url);
      return image(url, 'image');
    }
    case 'input_image':
      return image(str(block.image_url), str(block.file_id) ?? 'image');
    case 'image': {
      const source = isObj(block.source) ? block.source : {};
      if (source.type === 'base64') return base64Image(source.media_type, source.data);
      return image(str(source.url), 'image');
    }
    case 'tool_use':
    case 'server_tool_use':
      return {
        kind: 'tool-call',
        name: str(block.name) ?? '?',
        id: str(block.id),
        args: jsonText(block.input),
      };
    case 'tool_result':
      return {
        kind: 'tool-result',
        name: null,
        id: str(block.tool_use_id),
        text: resultText(block.content),
        isError: block.is_error === true,
      };
    case 'thinking':
      return { kind: 'reasoning', text: str(block.thinking) ?? '' };
    case 'redacted_thinking':
      return { kind: 'reasoning', text: '(redacted by the provider)' };
  }
  return { kind: 'other', label: type || 'part', json: jsonText(block) };
}

function contentParts(content: unknown): ChatPart[] {
  if (content === undefined || content === null) return [];
  if (typeof content === 'string') return content === '' ? [] : [{ kind: 'text', text: content }];
  if (!Array.isArray(content)) return [blockPart(content)];
  return content.map(blockPart);
}

function chatMessage(message: Json, place: string): ChatMessage {
  const role = str(message.role) ?? 'unknown';
  if (role === 'tool') {
    return {
      role,
      name: str(message.name),
      place,
      parts: [
        {
          kind: 'tool-result',
          name: str(message.name),
          id: str(message.tool_call_id),
          text: resultText(message.content),
          isError: false,
        },
      ],
    };
  }
  const parts: ChatPart[] = [];
  // DeepSeek, vLLM and OpenRouter put the reasoning beside the content.
  const reasoning = str(message.reasoning_content) ?? str(message.reasoning);
  if (reasoning) parts.push({ kind: 'reasoning', text: reasoning });
  parts.push(...contentParts(message.content));
  if (Array.isArray(message.tool_calls)) {
    for (const call of message.tool_calls) {
      if (!isObj(call)) continue;
      const fn = isObj(call.function) ? call.function : {};
      parts.push({
        kind: 'tool-call',
        name: str(fn.name) ?? '?',
        id: str(call.id),
        args: jsonText(fn.arguments),
      });
    }
  }
  return { role, name: str(message.name), place, parts };
}

/** One item of a Responses API `input`. */
function responsesItem(item: Json, place: string): ChatMessage {
  const one = (role: string, part: ChatPart): ChatMessage => ({ role, name: null, place, parts: [part] });
  switch (str(item.type)) {
    case 'function_call':
    case 'custom_tool_call':
      return one('assistant', {
        kind: 'tool-call',
        name: str(item.name) ?? '?',
        id: str(item.call_id),
        args: jsonText(item.arguments ?? item.input),
      });
    case 'function_call_output':
    case 'custom_tool_call_output':
      return one('tool', {
        kind: 'tool-result',
        name: null,
        id: str(item.call_id),
        text: resultText(item.output),
        isError: false,
      });
    case 'reasoning': {
      const summary = Array.isArray(item.summary) ? item.summary : [];
      const text = summary.map((s) => (isObj(s) ? (str(s.text) ?? '') : '')).join('\n\n');
      return one('assistant', { kind: 'reasoning', text: text || '(encrypted)' });
    }
  }
  if (item.type === 'message' || item.role !== undefined) return chatMessage(item, place);
  return one(str(item.type) ?? 'item', {
    kind: 'other',
    label: str(item.type) ?? 'item',
    json: jsonText(item),
  });
}

/** One Gemini part (`text`, `thought`, `inlineData`, `functionCall`, `functionResponse` …). */
function geminiPart(part: unknown): ChatPart {
  if (!isObj(part)) return { kind: 'other', label: 'part', json: jsonText(part) };
  const text = str(part.text);
  if (text !== null) return part.thought === true ? { kind: 'reasoning', text } : { kind: 'text', text };
  const inline = part.inlineData ?? part.inline_data;
  if (isObj(inline)) return base64Image(inline.mimeType ?? inline.mime_type, inline.data);
  const file = part.fileData ?? part.file_data;
  if (isObj(file)) return image(str(file.fileUri ?? file.file_uri), 'file');
  const call = part.functionCall ?? part.function_call;
  if (isObj(call))
    return {
      kind: 'tool-call',
      name: str(call.name) ?? '?',
      id: str(call.id),
      args: jsonText(call.args ?? {}),
    };
  const response = part.functionResponse ?? part.function_response;
  if (isObj(response))
    return {
      kind: 'tool-result',
      name: str(response.name),
      id: str(response.id),
      text: jsonText(response.response),
      isError: false,
    };
  return { kind: 'other', label: Object.keys(part)[0] ?? 'part', json: jsonText(part) };
}

function geminiContent(content: Json, place: string): ChatMessage {
  const role = str(content.role) ?? 'user';
  const parts = Array.isArray(content.parts) ? content.parts.map(geminiPart) : [];
  return { role: role === 'model' ? 'assistant' : role, name: null, place, parts };
}

function offeredTools(tools: unknown): ChatTool[] {
  if (!Array.isArray(tools)) return [];
  const out: ChatTool[] = [];
  for (const tool of tools) {
    if (!isObj(tool)) continue;
    // Gemini groups its functions in `functionDeclarations`.
    const declarations = tool.functionDeclarations ?? tool.function_declarations;
    const each = Array.isArray(declarations)
      ? declarations.filter(isObj)
      : [isObj(tool.function) ? tool.function : tool];
    for (const fn of each) {
      out.push({
        name: str(fn.name) ?? str(tool.type) ?? '?',
        description: str(fn.description),
        parameters: fn.parameters ?? fn.input_schema ?? fn.parametersJsonSchema ?? null,
      });
    }
  }
  return out;
}

const at = (...steps: PathStep[]): string => formatPath(steps);

/** The messages of a request body, in order; empty when the body is no conversation. */
function requestMessages(body: Json): ChatMessage[] {
  const messages: ChatMessage[] = [];
  // Anthropic's `system`, the Responses API's `instructions` and Gemini's `systemInstruction` sit beside the messages.
  const systemKey = ['system', 'instructions', 'systemInstruction', 'system_instruction'].find(
    (key) => body[key] !== undefined && body[key] !== null,
  );
  if (systemKey !== undefined) {
    const system = body[systemKey];
    const parts =
      isObj(system) && Array.isArray(system.parts) ? system.parts.map(geminiPart) : contentParts(system);
    if (parts.length > 0) messages.push({ role: 'system', name: null, place: systemKey, parts });
  }
  if (Array.isArray(body.messages)) {
    body.messages.forEach((m, i) => {
      if (isObj(m)) messages.push(chatMessage(m, at('messages', i)));
    });
  } else if (Array.isArray(body.contents)) {
    body.contents.forEach((c, i) => {
      if (isObj(c)) messages.push(geminiContent(c, at('contents', i)));
    });
  } else if (Array.isArray(body.input)) {
    body.input.forEach((item, i) => {
      if (isObj(item)) messages.push(responsesItem(item, at('input', i)));
      else if (typeof item === 'string')
        messages.push({
          role: 'user',
          name: null,
          place: at('input', i),
          parts: [{ kind: 'text', text: item }],
        });
    });
  } else if (typeof body.input === 'string' && !('encoding_format' in body)) {
    messages.push({ role: 'user', name: null, place: 'input', parts: [{ kind: 'text', text: body.input }] });
  } else if (typeof body.prompt === 'string') {
    messages.push({
      role: 'user',
      name: null,
      place: 'prompt',
      parts: [{ kind: 'text', text: body.prompt }],
    });
  }
  return messages;
}

/** The merged answer as the assistant's last message. */
export function answerMessage(merged: MergedResult): ChatMessage {
  const parts: ChatPart[] = [];
  if (merged.reasoning) parts.push({ kind: 'reasoning', text: merged.reasoning });
  if (merged.text !== '') parts.push({ kind: 'text', text: merged.text });
  if (merged.refusal) parts.push({ kind: 'other', label: 'refusal', json: merged.refusal });
  for (const call of merged.toolCalls)
    parts.push({ kind: 'tool-call', name: call.name, id: call.id, args: call.arguments });
  return { role: 'assistant', name: null, place: 'answer', parts };
}

/** The conversation of a parsed request body plus its merged answer; null when the body holds none. */
export function readChat(body: unknown, merged: MergedResult | null = null): Chat | null {
  if (!isObj(body)) return null;
  const messages = requestMessages(body);
  const tools = offeredTools(body.tools);
  if (messages.length === 0 && tools.length === 0) return null;
  if (merged !== null) messages.push(answerMessage(merged));
  return { messages, tools };
}

/** Where each tool call's result is: call → the result part (by call id, else Gemini's by name in order). */
export function pairToolResults(messages: readonly ChatMessage[]): Map<ChatPart, ChatPart> {
  const pairs = new Map<ChatPart, ChatPart>();
  const byId = new Map<string, ChatPart>();
  const byName = new Map<string, ChatPart[]>();
  for (const message of messages) {
    for (const part of message.parts) {
      if (part.kind !== 'tool-call') continue;
      if (part.id !== null) byId.set(part.id, part);
      else byName.set(part.name, [...(byName.get(part.name) ?? []), part]);
    }
  }
  for (const message of messages) {
    for (const part of message.parts) {
      if (part.kind !== 'tool-result') continue;
      const call =
        part.id !== null
          ? byId.get(part.id)
          : part.name !== null
            ? byName.get(part.name)?.shift()
            : undefined;
      if (call !== undefined && !pairs.has(call)) pairs.set(call, part);
    }
  }
  return pairs;
}
