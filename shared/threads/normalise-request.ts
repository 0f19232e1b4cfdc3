/**
 * One provider-neutral view of an LLM request's conversation: its system prompt, tool
 * definitions and messages as blocks with content hashes and JSON paths into the body as sent
 * (`system`, `tools[3]`, `messages[12].content[1]`, `input[4]`, `contents[2].parts[0]`), plus the
 * ids that tie turns together and the cache breakpoints. The thread tracker keeps only the
 * hashes; the text is for this turn's delta, previews and token estimates.
 */

import type { HeaderMap } from '../exchange/capture-events.ts';
import type { ApiKind } from '../interpreters/api-kind.ts';
import { arr, isRecord, type JsonRecord, rec, str } from '../wire/json-fields.ts';
import { canonicalJson, hashText } from './stable-hash.ts';
import type { ContextPart, ContextPath } from './thread-types.ts';

/** One block of a request: a system prompt part, a tool definition, or a block of a message. */
export interface RequestBlock {
  path: ContextPath;
  part: ContextPart;
  hash: string;
  /** Canonical JSON of the block (what the hash is of). */
  json: string;
  /** What a person reads: the text of a text block, else the JSON. */
  text: string;
}

/** One message of the conversation. */
export interface RequestMessage {
  path: ContextPath;
  role: string;
  /** `tool-call` / `tool-result` for messages that are only that; else by role. */
  kind: 'user' | 'assistant' | 'tool-call' | 'tool-result' | 'system' | 'other';
  hash: string;
  blocks: RequestBlock[];
}

export interface NormalisedRequest {
  model: string | null;
  system: RequestBlock[];
  tools: RequestBlock[];
  messages: RequestMessage[];
  /** Responses `previous_response_id`. */
  previousResponseId: string | null;
  /** Responses `conversation` (its id). */
  conversation: string | null;
  /** A session id the client sent (Claude Code's `metadata.user_id` `…session_<id>`, a `session_id` header, `prompt_cache_key`). */
  sessionId: string | null;
  /** Paths of the blocks that carry an Anthropic `cache_control` breakpoint. */
  breakpoints: ContextPath[];
  /** The request asked for the 1-hour cache (`cache_control.ttl: '1h'`). */
  ttl1h: boolean;
  /** OpenAI `prompt_cache_retention` (`in_memory`, `24h`); null when not sent. */
  retention: string | null;
  /** The text of the first user message (its text blocks joined), null when there is none. */
  firstUserText: string | null;
  /** What a person would call the conversation: the first user text that is not injected context. */
  title: string | null;
}

/** Conversation APIs this understands. */
export function isConversationApi(api: ApiKind): boolean {
  return (
    api === 'openai.chat' ||
    api === 'azure.chat' ||
    api === 'ollama.chat' ||
    api === 'openai.responses' ||
    api === 'azure.responses' ||
    api === 'anthropic.messages' ||
    api === 'gemini.generate'
  );
}

interface Builder {
  breakpoints: ContextPath[];
  ttl1h: boolean;
}

function block(b: Builder, path: ContextPath, part: ContextPart, value: unknown): RequestBlock {
  const cacheControl = isRecord(value) ? rec(value.cache_control) : null;
  if (cacheControl) {
    b.breakpoints.push(path);
    if (cacheControl.ttl === '1h') b.ttl1h = true;
  }
  const known = knownBlock(value);
  return { path, part, hash: known.hash, json: known.json, text: known.text };
}

/** What a block's value gives, whatever its path: its canonical JSON, the hash of that, its readable text. */
interface KnownBlock {
  readonly value: unknown;
  readonly json: string;
  readonly hash: string;
  readonly text: string;
}

function blockOf(value: unknown): KnownBlock {
  const json = canonicalJson(value);
  return { value, json, hash: hashText(json), text: readableText(value) ?? json };
}

/**
 * Blocks of requests seen lately, by a fingerprint of their value: an agent re-sends the whole
 * conversation every turn, and walking a parsed block to fingerprint it and compare it with the
 * one kept (a few keys and a memcmp of its strings) costs a fraction of serialising and hashing
 * it again, so a turn costs what its new blocks weigh, not its history. A module-wide cache, as
 * one tracker serves every exchange of the analysis worker; bounded by the JSON it keeps. The
 * values kept are the callers' parsed bodies, which nobody changes after (each parses its own).
 */
const known = new Map<number, KnownBlock>();
let knownChars = 0;
const KNOWN_CHARS = 4 * 1024 * 1024;
/** Blocks with fewer string characters than this are worked out again: the look-up would cost as much. */
const KNOWN_MIN_CHARS = 256;
const HEAD = 32;
const TAIL = 16;
const SAMPLES = 8;
/** The string characters of the value last fingerprinted. */
let fingerprintChars = 0;

/** FNV-1a over a value's shape, its strings' lengths and some of their characters: no loop over a long text. */
function fingerprint(value: unknown, h: number): number {
  if (typeof value === 'string') {
    const n = value.length;
    fingerprintChars += n;
    h = Math.imul(h ^ n, 0x01000193);
    // The start (where a turn's number or a tool call's id usually is), the end, and a few between.
    const head = Math.min(HEAD, n);
    for (let i = 0; i < head; i++) h = Math.imul(h ^ value.charCodeAt(i), 0x01000193);
    for (let i = Math.max(head, n - TAIL); i < n; i++) h = Math.imul(h ^ value.charCodeAt(i), 0x01000193);
    if (n <= HEAD + TAIL) return h;
    const step = n / SAMPLES;
    for (let i = 1; i < SAMPLES; i++) h = Math.imul(h ^ value.charCodeAt(Math.floor(i * step)), 0x01000193);
    return h;
  }
  if (Array.isArray(value)) {
    h = Math.imul(h ^ (0x5b + value.length), 0x01000193);
    for (const item of value) h = fingerprint(item, h);
    return h;
  }
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    h = Math.imul(h ^ (0x7b + keys.length), 0x01000193);
    for (const key of keys) h = fingerprint((value as JsonRecord)[key], fingerprint(key, h));
    return h;
  }
  return Math.imul(h ^ (typeof value === 'number' ? value | 0 : value === true ? 1 : 2), 0x01000193);
}

/** True when the two values serialise the same: equal strings, numbers and keys, in the same order. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const keys = Object.keys(a);
  const others = Object.keys(b);
  if (keys.length !== others.length) return false;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    if (key !== others[i] || !sameJson((a as JsonRecord)[key], (b as JsonRecord)[key])) return false;
  }
  return true;
}

/** The block a value gives, from the recent ones when it is one of them. */
function knownBlock(value: unknown): KnownBlock {
  fingerprintChars = 0;
  const key = fingerprint(value, 0x811c9dc5) >>> 0;
  if (fingerprintChars < KNOWN_MIN_CHARS) return blockOf(value);
  const kept = known.get(key);
  if (kept !== undefined && sameJson(kept.value, value)) {
    // Kept in the order last seen, so the blocks every turn re-sends are the last to go.
    known.delete(key);
    known.set(key, kept);
    return kept;
  }
  if (kept !== undefined) knownChars -= kept.json.length;
  const made = blockOf(value);
  known.set(key, made);
  knownChars += made.json.length;
  for (const [oldest, block] of known) {
    if (knownChars <= KNOWN_CHARS) break;
    known.delete(oldest);
    knownChars -= block.json.length;
  }
  return made;
}

/** The text a person reads in a block, or null when it is not a text block. */
function readableText(value: unknown): string | null {
  if (typeof value === 'string') return value;
  const r = rec(value);
  if (r === null) return null;
  return str(r.text) ?? (typeof r.content === 'string' ? r.content : null);
}

const IMAGE_TYPES = new Set([
  'image',
  'image_url',
  'input_image',
  'document',
  'input_file',
  'input_audio',
  'file',
]);

function partOf(value: unknown, inToolResult: boolean): ContextPart {
  const r = rec(value);
  const type = str(r?.type);
  if (type !== null && IMAGE_TYPES.has(type)) return 'images';
  if (r && (r.inlineData !== undefined || r.fileData !== undefined)) return 'images';
  if (
    inToolResult ||
    type === 'tool_result' ||
    type === 'function_call_output' ||
    r?.functionResponse !== undefined
  )
    return 'toolResults';
  return 'messages';
}

function message(
  path: ContextPath,
  role: string,
  blocks: RequestBlock[],
  kind?: RequestMessage['kind'],
): RequestMessage {
  const hash = hashText(blocks.map((x) => x.hash).join(','), role.length);
  return { path, role, kind: kind ?? kindOf(role, blocks), hash, blocks };
}

function kindOf(role: string, blocks: RequestBlock[]): RequestMessage['kind'] {
  if (blocks.length > 0 && blocks.every((x) => x.part === 'toolResults')) return 'tool-result';
  if (role === 'user') return 'user';
  if (role === 'assistant' || role === 'model') return 'assistant';
  if (role === 'system' || role === 'developer') return 'system';
  if (role === 'tool' || role === 'function') return 'tool-result';
  return 'other';
}

/** A content field that is a string or a list of blocks, as blocks under `base`. */
function contentBlocks(b: Builder, base: ContextPath, content: unknown, toolResult: boolean): RequestBlock[] {
  if (content === undefined || content === null) return [];
  if (!Array.isArray(content)) return [block(b, base, toolResult ? 'toolResults' : 'messages', content)];
  return content.map((item, i) => block(b, `${base}[${i}]`, partOf(item, toolResult), item));
}

function anthropic(b: Builder, body: JsonRecord): Pick<NormalisedRequest, 'system' | 'tools' | 'messages'> {
  const system =
    typeof body.system === 'string'
      ? [block(b, 'system', 'system', body.system)]
      : arr(body.system).map((s, i) => block(b, `system[${i}]`, 'system', s));
  const tools = arr(body.tools).map((t, i) => block(b, `tools[${i}]`, 'tools', t));
  const messages = arr(body.messages).map((m, i) => {
    const r = rec(m);
    const role = str(r?.role) ?? 'other';
    return message(`messages[${i}]`, role, contentBlocks(b, `messages[${i}].content`, r?.content, false));
  });
  return { system, tools, messages };
}

function chat(b: Builder, body: JsonRecord): Pick<NormalisedRequest, 'system' | 'tools' | 'messages'> {
  const system: RequestBlock[] = [];
  const messages: RequestMessage[] = [];
  let leading = true;
  arr(body.messages).forEach((m, i) => {
    const r = rec(m);
    const role = str(r?.role) ?? 'other';
    const base = `messages[${i}]`;
    // Leading system and developer messages are the system prompt; later ones are conversation.
    if (leading && (role === 'system' || role === 'developer')) {
      system.push(
        ...contentBlocks(b, `${base}.content`, r?.content, false).map((x) => ({
          ...x,
          part: 'system' as const,
        })),
      );
      return;
    }
    leading = false;
    const blocks = contentBlocks(b, `${base}.content`, r?.content, role === 'tool' || role === 'function');
    arr(r?.tool_calls).forEach((call, j) => {
      blocks.push(block(b, `${base}.tool_calls[${j}]`, 'messages', call));
    });
    const kind =
      role === 'assistant' && blocks.length > 0 && blocks.every((x) => x.path.includes('.tool_calls['))
        ? 'tool-call'
        : undefined;
    messages.push(message(base, role, blocks, kind));
  });
  const tools = arr(body.tools ?? body.functions).map((t, i) => block(b, `tools[${i}]`, 'tools', t));
  return { system, tools, messages };
}

function responses(b: Builder, body: JsonRecord): Pick<NormalisedRequest, 'system' | 'tools' | 'messages'> {
  const system =
    body.instructions === undefined || body.instructions === null
      ? []
      : [block(b, 'instructions', 'system', body.instructions)];
  const tools = arr(body.tools).map((t, i) => block(b, `tools[${i}]`, 'tools', t));
  const messages: RequestMessage[] = [];
  if (typeof body.input === 'string') {
    messages.push(message('input', 'user', [block(b, 'input', 'messages', body.input)]));
  } else {
    arr(body.input).forEach((item, i) => {
      const r = rec(item);
      const type = str(r?.type);
      const base = `input[${i}]`;
      if (r !== null && (type === null || type === 'message')) {
        const role = str(r.role) ?? 'user';
        const blocks = contentBlocks(b, `${base}.content`, r.content, false);
        messages.push(
          message(
            base,
            role,
            role === 'system' || role === 'developer'
              ? blocks.map((x) => ({ ...x, part: 'system' as const }))
              : blocks,
          ),
        );
        return;
      }
      const toolResult =
        type === 'function_call_output' ||
        type === 'custom_tool_call_output' ||
        type === 'computer_call_output';
      const toolCall = type === 'function_call' || type === 'custom_tool_call' || type === 'computer_call';
      const one = block(b, base, toolResult ? 'toolResults' : 'messages', item);
      messages.push(
        message(
          base,
          type ?? 'other',
          [one],
          toolResult ? 'tool-result' : toolCall ? 'tool-call' : type === 'reasoning' ? 'assistant' : 'other',
        ),
      );
    });
  }
  return { system, tools, messages };
}

function gemini(b: Builder, body: JsonRecord): Pick<NormalisedRequest, 'system' | 'tools' | 'messages'> {
  const instruction = rec(body.systemInstruction ?? body.system_instruction);
  const system = instruction
    ? arr(instruction.parts).map((p, i) => block(b, `systemInstruction.parts[${i}]`, 'system', p))
    : [];
  const tools: RequestBlock[] = [];
  arr(body.tools).forEach((t, i) => {
    const declarations = arr(rec(t)?.functionDeclarations);
    if (declarations.length === 0) tools.push(block(b, `tools[${i}]`, 'tools', t));
    else
      declarations.forEach((d, j) => {
        tools.push(block(b, `tools[${i}].functionDeclarations[${j}]`, 'tools', d));
      });
  });
  const messages = arr(body.contents).map((c, i) => {
    const r = rec(c);
    const role = str(r?.role) ?? 'user';
    const blocks = arr(r?.parts).map((p, j) => block(b, `contents[${i}].parts[${j}]`, partOf(p, false), p));
    const kind =
      blocks.length > 0 &&
      blocks.every((x) => isRecord(parse(x.json)) && (parse(x.json) as JsonRecord).functionCall !== undefined)
        ? 'tool-call'
        : undefined;
    return message(`contents[${i}]`, role, blocks, kind);
  });
  return { system, tools, messages };
}

function parse(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    return null;
  }
}

function header(headers: HeaderMap, name: string): string | null {
  const value = headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' && first.length > 0 ? first : null;
}

/** The session id in Claude Code's `metadata.user_id` (`user_…_account_…_session_<uuid>`, or JSON with `session_id`). */
function sessionInUserId(userId: string | null): string | null {
  if (userId === null) return null;
  const match = /session_([0-9A-Za-z-]{8,})/.exec(userId);
  if (match?.[1]) return match[1];
  const json = rec(parse(userId));
  return str(json?.session_id);
}

/** The session id a client sent, from the headers Codex and others use, or the body. */
function sessionIdOf(headers: HeaderMap, body: JsonRecord): string | null {
  return (
    header(headers, 'session_id') ??
    header(headers, 'session-id') ??
    header(headers, 'x-session-id') ??
    header(headers, 'x-claude-code-session-id') ??
    sessionInUserId(str(rec(body.metadata)?.user_id)) ??
    str(body.prompt_cache_key)
  );
}

/** The text of the first user message, its text blocks joined. */
function firstUserTextOf(messages: readonly RequestMessage[]): string | null {
  const first = messages.find((m) => m.kind === 'user');
  if (!first) return null;
  const texts = first.blocks.filter((x) => x.part === 'messages' && x.text !== x.json).map((x) => x.text);
  return texts.length > 0 ? texts.join('\n') : null;
}

/**
 * Agents put context before the prompt: Claude Code `<system-reminder>` blocks, Codex an
 * `AGENTS.md` message and `<environment_context>`. The title is the first user text that is none of these.
 */
function titleOf(messages: readonly RequestMessage[]): string | null {
  for (const m of messages) {
    if (m.kind !== 'user') continue;
    for (const x of m.blocks) {
      if (x.part !== 'messages' || x.text === x.json) continue;
      const text = x.text.trim();
      if (text !== '' && !text.startsWith('<') && !text.startsWith('# AGENTS.md')) return text;
    }
  }
  return firstUserTextOf(messages);
}

/** The request's conversation, or null when the body is not a conversation request of `api`. */
export function normaliseRequest(
  api: ApiKind,
  json: unknown,
  headers: HeaderMap,
  model: string | null,
): NormalisedRequest | null {
  const body = rec(json);
  if (body === null || !isConversationApi(api)) return null;
  const b: Builder = { breakpoints: [], ttl1h: false };
  const parts =
    api === 'anthropic.messages'
      ? anthropic(b, body)
      : api === 'gemini.generate'
        ? gemini(b, body)
        : api === 'openai.responses' || api === 'azure.responses'
          ? responses(b, body)
          : chat(b, body);
  if (parts.messages.length === 0) return null;
  const conversation = body.conversation;
  return {
    model,
    ...parts,
    previousResponseId: str(body.previous_response_id),
    conversation: str(conversation) ?? str(rec(conversation)?.id),
    sessionId: sessionIdOf(headers, body),
    breakpoints: b.breakpoints,
    ttl1h: b.ttl1h,
    retention: str(body.prompt_cache_retention),
    firstUserText: firstUserTextOf(parts.messages),
    title: titleOf(parts.messages),
  };
}
