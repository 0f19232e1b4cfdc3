/** A part of a message, whatever the API called it. */
export type Part =
  | { kind: 'text'; text: string }
  | { kind: 'tool-call'; name: string; id: string | null; args: string }
  | { kind: 'tool-result'; id: string | null; text: string }
  | { kind: 'other'; label: string; json: string };

export interface Turn {
  role: string;
  name: string | null;
  parts: Part[];
}

export interface OfferedTool {
  name: string;
  description: string | null;
  parameters: unknown;
}

export interface Conversation {
  turns: Turn[];
  tools: OfferedTool[];
}

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const argsText = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v ?? {}));

function contentParts(content: unknown): Part[] {
  if (typeof content === 'string') return content === '' ? [] : [{ kind: 'text', text: content }];
  if (!Array.isArray(content))
    return content == null ? [] : [{ kind: 'other', label: 'content', json: JSON.stringify(content) }];
  const parts: Part[] = [];
  for (const item of content) {
    if (typeof item === 'string') {
      parts.push({ kind: 'text', text: item });
      continue;
    }
    if (!isObj(item)) continue;
    const type = str(item.type) ?? '';
    const text = str(item.text);
    if (
      text !== null &&
      (type === 'text' || type === 'input_text' || type === 'output_text' || type === '')
    ) {
      parts.push({ kind: 'text', text });
    } else if (type === 'tool_use') {
      parts.push({
        kind: 'tool-call',
        name: str(item.name) ?? '?',
        id: str(item.id),
        args: argsText(item.input),
      });
    } else if (type === 'tool_result') {
      const inner = contentParts(item.content)
        .map((p) => (p.kind === 'text' ? p.text : p.kind === 'other' ? p.json : ''))
        .join('\n');
      parts.push({ kind: 'tool-result', id: str(item.tool_use_id), text: inner });
    } else if (type === 'thinking') {
      parts.push({ kind: 'other', label: 'thinking', json: str(item.thinking) ?? '' });
    } else {
      parts.push({ kind: 'other', label: type || 'part', json: JSON.stringify(item) });
    }
  }
  return parts;
}

function messageTurn(message: Json): Turn {
  const parts = contentParts(message.content);
  if (Array.isArray(message.tool_calls)) {
    for (const call of message.tool_calls) {
      if (!isObj(call)) continue;
      const fn = isObj(call.function) ? call.function : {};
      parts.push({
        kind: 'tool-call',
        name: str(fn.name) ?? '?',
        id: str(call.id),
        args: argsText(fn.arguments),
      });
    }
  }
  const role = str(message.role) ?? 'unknown';
  if (role === 'tool') {
    const text = parts.map((p) => (p.kind === 'text' ? p.text : '')).join('\n');
    return {
      role,
      name: str(message.name),
      parts: [{ kind: 'tool-result', id: str(message.tool_call_id), text }],
    };
  }
  return { role, name: str(message.name), parts };
}

function responsesItem(item: unknown): Turn | null {
  if (!isObj(item)) return null;
  const type = str(item.type);
  if (type === 'function_call') {
    return {
      role: 'assistant',
      name: null,
      parts: [
        {
          kind: 'tool-call',
          name: str(item.name) ?? '?',
          id: str(item.call_id),
          args: argsText(item.arguments),
        },
      ],
    };
  }
  if (type === 'function_call_output') {
    return {
      role: 'tool',
      name: null,
      parts: [{ kind: 'tool-result', id: str(item.call_id), text: argsText(item.output) }],
    };
  }
  if (type === 'message' || item.role !== undefined) return messageTurn(item);
  return {
    role: type ?? 'item',
    name: null,
    parts: [{ kind: 'other', label: type ?? 'item', json: JSON.stringify(item) }],
  };
}

function offeredTools(tools: unknown): OfferedTool[] {
  if (!Array.isArray(tools)) return [];
  return tools.filter(isObj).map((tool) => {
    const fn = isObj(tool.function) ? tool.function : tool;
    return {
      name: str(fn.name) ?? str(tool.type) ?? '?',
      description: str(fn.description),
      parameters: fn.parameters ?? fn.input_schema ?? null,
    };
  });
}

/** The chat in a request body, for Chat Completions, Responses, Anthropic Messages and Ollama; null when there is none. */
export function readConversation(body: unknown): Conversation | null {
  if (!isObj(body)) return null;
  const turns: Turn[] = [];
  // Anthropic's system prompt and the Responses API's instructions sit beside the messages.
  const system = body.system ?? body.instructions;
  if (system !== undefined && system !== null) {
    const parts = contentParts(system);
    if (parts.length) turns.push({ role: 'system', name: null, parts });
  }
  if (Array.isArray(body.messages)) {
    for (const m of body.messages) if (isObj(m)) turns.push(messageTurn(m));
  } else if (typeof body.input === 'string' && body.model !== undefined && !('encoding_format' in body)) {
    turns.push({ role: 'user', name: null, parts: [{ kind: 'text', text: body.input }] });
  } else if (Array.isArray(body.input) && body.input.some(isObj)) {
    for (const item of body.input) {
      const turn = responsesItem(item);
      if (turn) turns.push(turn);
    }
  } else if (typeof body.prompt === 'string') {
    turns.push({ role: 'user', name: null, parts: [{ kind: 'text', text: body.prompt }] });
  }
  const tools = offeredTools(body.tools);
  if (turns.length === 0 && tools.length === 0) return null;
  return { turns, tools };
}
