/**
 * The data model of conversation threads (issue 14): which thread an exchange belongs to, what
 * changed since the previous turn, why the prompt cache hit or missed, and what fills the context.
 *
 * Who fills what:
 * - `ExchangeSummary.thread` (a `ThreadRef`, or `null` for exchanges that carry no conversation:
 *   embeddings, plain HTTP, bodies that are not a chat request) is set by the thread analyzer in
 *   the analysis worker when the request body is complete, so live rows know their thread.
 * - `ExchangeRecord.delta`, `.cache` and `.context` (a `TurnDelta`, a `CacheVerdict`, a
 *   `ContextBreakdown`) are set when the exchange ends (the verdict needs the reported usage).
 *   All three are absent on records made before threads, and on exchanges whose `thread` is null.
 * - `ThreadListItem` is one row of `GET /api/threads` / `threads.list`; `ThreadDetail` is
 *   `GET /api/threads/<id>` / `threads.get` (null for an unknown id).
 *
 * Places inside a request are named by `ContextPath`: the JSON path into the request body as the
 * client sent it, so it opens the same node in the body's JSON tree: Anthropic `system` (a
 * string) or `system[0]`, `tools[3]`, `messages[12]`, `messages[12].content[1]`; OpenAI chat
 * `messages[0].content` (a leading system message), `messages[3].tool_calls[0]`; Responses
 * `instructions`, `input[4]`, `input[4].content[0]`; Gemini `systemInstruction.parts[0]`,
 * `tools[0].functionDeclarations[2]`, `contents[2].parts[0]`.
 *
 * Pure types: no imports from Node or the renderer.
 */
import type { ApiKind } from '../interpreters/api-kind.ts';
import type { Usage } from '../usage/usage.ts';

/** Where an exchange sits in a conversation: on every summary (`null` for one-off, non-conversation traffic). */
export interface ThreadRef {
  /** Stable id of the thread (`thr_` + 12 hex), the same for every turn of it. */
  id: string;
  /** 1 for the thread's first exchange, then 2, 3 … in the order the turns were captured. */
  turn: number;
  /** The thread that was waiting on the tool call whose input started this one (a sub-agent); null for a top-level thread. */
  parentId: string | null;
  /**
   * A WebSocket exchange that carried several turns (each `response.create` that generates is one):
   * the number of its latest; `turn` is its first. Absent for one turn.
   */
  lastTurn?: number;
  /** On turn 1 only: the thread's title, the first user message's text (whitespace collapsed, at most 80 characters). */
  title?: string;
  /**
   * Sub-agent threads this turn's tool calls started that began before this turn's answer ended
   * (tools run while the answer streams): their own turns may have been recorded before their
   * parent was known, so the parent's turn names them (absent when there are none).
   */
  children?: string[];
  /**
   * What a later start of Tokentap continues the thread from, set when the turn ended (hashes and
   * ids, never text): the next session seeds its tracker from the latest turn of each thread.
   */
  resume?: ThreadResume;
}

/** The hashes-only key of a thread's latest turn (see `ThreadRef.resume` and thread-seeds.ts). */
export interface ThreadResume {
  /** `<messages prefix>.<system>.<tools>` hashes (14 hex digits each), and the session key's after a second dot when there is one. */
  key: string;
  /** How many messages the turn sent. */
  messages: number;
  /** Anthropic `cache_control` breakpoints (absent when none). */
  breakpoints?: ContextPath[];
  /** The request asked for the 1-hour cache. */
  ttl1h?: true;
  /** OpenAI `prompt_cache_retention`. */
  retention?: string;
  /** Responses API ids the answer named (for `previous_response_id`). */
  responseIds?: string[];
  conversation?: string;
  /** A WebSocket exchange's latest turn: when it began (ms since the epoch) and its usage (the summary's is the socket's). */
  at?: number;
  usage?: { input: number; read: number | null; write: number | null } | null;
}

/** How a thread was matched to its previous turn. */
export type ThreadLink =
  /** First turn of a new thread. */
  | 'new'
  /** An id the API carries: Responses `previous_response_id`. */
  | 'previous-response-id'
  /** An id the API carries: Responses `conversation`. */
  | 'conversation'
  /** A session id the client sends: `metadata.user_id` (Claude Code's `…_session_<uuid>`), a `session_id` / `x-session-id` header (Codex). */
  | 'session-id'
  /** The same WebSocket connection (each `response.create` on it is a turn). */
  | 'websocket'
  /** The request's messages extend an earlier request's messages. */
  | 'prefix';

/** A provider-neutral place in a request: `system`, `tools[3]`, `messages[12]`, `messages[12].content[1]`. */
export type ContextPath = string;

/** What kind of message or block an appended item is, in a person's words. */
export type AppendedKind =
  | 'user'
  | 'assistant'
  /** The assistant's previous answer, echoed back as history. */
  | 'echoed-answer'
  | 'tool-call'
  | 'tool-result'
  | 'system'
  | 'other';

/** One message appended to the conversation since the previous turn. */
export interface AppendedItem {
  at: ContextPath;
  kind: AppendedKind;
  /** The message's role as the provider spells it (`user`, `assistant`, `tool`, `model`, `function_call_output` …). */
  role: string;
  /** The start of its text (or of its JSON, for tool calls and results), at most 200 characters. */
  preview: string;
  /** Length of the item's JSON text in characters (the whole item, not the preview). */
  chars: number;
}

/** Something earlier in the prefix that differs from the previous turn. */
export interface PrefixChange {
  at: ContextPath;
  change: 'changed' | 'removed' | 'added';
  /** The previous turn's value as JSON text, truncated to 300 characters; null when added. */
  before: string | null;
  /** This turn's value as JSON text, truncated to 300 characters; null when removed. */
  after: string | null;
}

/** What changed in this turn against the previous turn of its thread. */
export interface TurnDelta {
  /** The previous turn's exchange id; null on a thread's first turn. */
  previousExchangeId: string | null;
  /** How this turn was linked to the previous one. */
  link: ThreadLink;
  /** Messages added at the end since the previous turn (for turn 1: all of them). */
  appended: AppendedItem[];
  /** Changes earlier in the prefix: system prompt edits, tool definition changes, rewritten history (in request order). */
  changed: PrefixChange[];
  /** History was replaced (messages removed or rewritten before the end, e.g. a compaction into a summary). */
  compacted: boolean;
  /** The model differs from the previous turn's: [previous, current]; null when it is the same. */
  modelChanged: [string | null, string | null] | null;
  /** ms since the previous turn started; null on turn 1. */
  sincePreviousMs: number | null;
}

/**
 * How the provider's prompt cache served this turn:
 * - `hit`: cached input covers (nearly) all the prefix this turn shares with the previous one;
 * - `partial`: some input was read from cache, clearly less than that shared prefix;
 * - `miss`: the provider reports caching and read nothing, and wrote nothing;
 * - `write`: nothing was read, but the input was written to the cache (Anthropic `cache_creation`);
 * - `none`: no usage, or the provider reports nothing about caching.
 */
export type CacheVerdictKind = 'hit' | 'partial' | 'miss' | 'write' | 'none';

/** Why a turn missed (or only partly hit) the cache, from what Tokentap saw; `unknown` rather than a guess. */
export type CacheReason =
  /** The prefix differs from the previous turn's at `divergedAt` (see `CacheVerdict.diverged`). */
  | { kind: 'prefix-changed'; message: string }
  | { kind: 'model-changed'; message: string; previous: string | null; current: string | null }
  /** The previous turn was longer ago than the provider's cache lifetime. */
  | { kind: 'expired'; message: string; idleMs: number; ttlMs: number }
  /** Longer ago than the provider says it may evict an unused cache (OpenAI: typically 5–10 min), within its upper bound: perhaps expired. */
  | { kind: 'maybe-expired'; message: string; idleMs: number; mayExpireMs: number; ttlMs: number | null }
  /** The prompt is shorter than the provider's minimum cacheable length (as documented for the model). */
  | { kind: 'below-minimum'; message: string; promptTokens: number; minimumTokens: number }
  /** Anthropic: the `cache_control` breakpoints are not where the previous turn had them. */
  | { kind: 'breakpoint-moved'; message: string; previous: ContextPath[]; current: ContextPath[] }
  /** Anthropic caches only up to a `cache_control` breakpoint, and the request has none. */
  | { kind: 'no-breakpoint'; message: string }
  /** The thread's first turn: nothing earlier in this thread to reuse. */
  | { kind: 'first-turn'; message: string }
  | { kind: 'unknown'; message: string };

/** The prompt cache verdict of one turn (`ExchangeRecord.cache`). */
export interface CacheVerdict {
  verdict: CacheVerdictKind;
  /** Input tokens read from the cache as reported (OpenAI `cached_tokens`, Anthropic `cache_read_input_tokens`, Gemini `cachedContentTokenCount`); null when not reported. */
  readTokens: number | null;
  /** Input tokens written to the cache (Anthropic `cache_creation_input_tokens`); null when not reported. */
  writeTokens: number | null;
  /** Of the writes, those to the 5-minute cache (Anthropic); null when not reported. */
  write5mTokens: number | null;
  /** Of the writes, those to the 1-hour cache (Anthropic); null when not reported. */
  write1hTokens: number | null;
  /** All input tokens as reported (cached or not); null without usage. */
  inputTokens: number | null;
  /** readTokens / inputTokens (0…1); null when either is unknown. */
  hitRatio: number | null;
  /** The first place the prefix differs from the previous turn's; null when it does not (or on turn 1). */
  divergedAt: ContextPath | null;
  /** The two values at `divergedAt`, side by side (JSON text, truncated to 300 characters). */
  diverged: { before: string | null; after: string | null } | null;
  /** For `miss` and `partial` (and `write` after turn 1): why; null for `hit` and `none`. */
  reason: CacheReason | null;
  /**
   * The documented cache lifetime applied to this turn, in ms: after this long unused the cache is
   * gone (Anthropic 5 minutes, 1 hour where the request asked for `ttl: '1h'`; OpenAI at most 1 hour
   * in memory, 24 hours extended); null where the provider documents none (Gemini implicit caching).
   */
  ttlMs: number | null;
  /** The lifetime in words, with its provider (absent in records made before it). */
  lifetime?: string;
}

/** The parts a request's input is split into. */
export const CONTEXT_PARTS = ['system', 'tools', 'messages', 'toolResults', 'images'] as const;
export type ContextPart = (typeof CONTEXT_PARTS)[number];

/** One of the largest single items of a request's input. */
export interface ContextItem {
  at: ContextPath;
  part: ContextPart;
  /** Estimated tokens, scaled like the parts. */
  tokens: number;
  /** Length of the item's text in characters. */
  chars: number;
  /** The start of its text, at most 120 characters. */
  preview: string;
}

/**
 * What fills a request's input, in tokens. The counts are an ESTIMATE (a tokenizer library's
 * count of each part's text, then scaled so the parts sum to the provider's reported input tokens
 * where usage was reported); images count a fixed estimate each.
 */
export interface ContextBreakdown {
  estimate: true;
  /** The tokenizer the estimate used (`o200k_base`). */
  tokenizer: string;
  /** The reported input tokens the parts were scaled to; null when usage was not reported (unscaled). */
  scaledTo: number | null;
  /** Tokens per part; they sum to `scaledTo` when it is set. */
  parts: Record<ContextPart, number>;
  /** The largest single items (at most 5), largest first. */
  largest: ContextItem[];
}

/** Token and cost totals of a thread (its own turns, not its sub-agents'). */
export interface ThreadTotals {
  inputTokens: number;
  cachedTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  totalTokens: number;
  /** Null when no turn had a price. */
  costUsd: number | null;
}

/** One thread in `GET /api/threads` / `threads.list`. */
export interface ThreadListItem {
  id: string;
  parentId: string | null;
  /** Sub-agent threads started from this one's tool calls, oldest first. */
  childIds: string[];
  /** From the first user message; empty when it had no text. */
  title: string;
  turns: number;
  /** Route names (`openai`, `anthropic`, `upstream` …), in order of first use. */
  providers: string[];
  /** Models, in order of first use. */
  models: string[];
  apis: ApiKind[];
  /** ISO 8601 start of the first and of the last turn. */
  firstAt: string;
  lastAt: string;
  totals: ThreadTotals;
}

/** One turn of a thread, as `GET /api/threads/<id>` lists it. */
export interface ThreadTurn {
  turn: number;
  exchangeId: string;
  startedAt: string;
  api: ApiKind;
  model: string | null;
  provider: string | null;
  state: string;
  usage: Usage | null;
  costUsd: number | null;
  /** Null for records made before threads. */
  delta: TurnDelta | null;
  cache: CacheVerdict | null;
  context: ContextBreakdown | null;
}

/** One thread with its turns in order (`GET /api/threads/<id>` / `threads.get`). */
export interface ThreadDetail {
  thread: ThreadListItem;
  /** Its turns in turn order. */
  turns: ThreadTurn[];
}

/** One turn of a WebSocket exchange (`ExchangeRecord.socketTurns`): a `response.create` and the response that answered it. */
export interface SocketTurn {
  turn: number;
  /** ISO 8601: when its `response.create` was sent. */
  startedAt: string;
  model: string | null;
  /** As its `response.completed` reported; null until it ends, or without usage. */
  usage: Usage | null;
  delta: TurnDelta;
  /** Null while its response is still coming. */
  cache: CacheVerdict | null;
  context: ContextBreakdown | null;
}
