/**
 * Groups exchanges into conversation threads as they are captured. A request joins a thread by
 * an id the API carries (`previous_response_id`, `conversation`), else when its messages extend
 * a thread's latest request (the prefix), else as a sub-agent when its first user message is the
 * input of a tool call a thread is waiting on, else by a session id the client sent (history
 * rewritten, e.g. compacted); otherwise it starts a thread. State is bounded: hashes per thread,
 * an LRU of threads, and a byte-budgeted store of block texts.
 */
import type { ApiKind } from '../interpreters/api-kind.ts';
import type { ToolCall } from '../interpreters/merged-result.ts';
import type { Usage } from '../usage/usage.ts';
import { BlockTextStore } from './block-text-store.ts';
import { cacheLifetime } from './cache-limits.ts';
import { cacheVerdict } from './cache-verdict.ts';
import { CHARS_PER_TOKEN, contextBreakdown, type TokenCounter } from './context-breakdown.ts';
import type { NormalisedRequest } from './normalise-request.ts';
import { hashText } from './stable-hash.ts';
import { collapseWhitespace, preview } from './text-preview.ts';
import type { ThreadSeed } from './thread-seeds.ts';
import type {
  CacheVerdict,
  ContextBreakdown,
  ThreadLink,
  ThreadRef,
  ThreadResume,
  TurnDelta,
} from './thread-types.ts';
import { type TurnDiff, turnDiff } from './turn-delta.ts';
import { type BlockRef, type MessageRef, snapshotOf, type TurnSnapshot } from './turn-snapshot.ts';

/** What a thread seeded from an earlier session knows of its latest turn: hashes of its parts, not of each block. */
interface SeededTurn {
  messages: number;
  system: string;
  tools: string;
}

interface ThreadState {
  id: string;
  parentId: string | null;
  /** The ref of the thread's first turn (its parent may be learnt late, while that turn is still in flight). */
  firstRef: ThreadRef;
  last: TurnSnapshot;
  /** The key under which the latest turn's messages are in the prefix index. */
  prefixKey: string;
  sessionKey: string | null;
  firstUserHash: string | null;
  /** When the thread's first turn started (ms since the epoch). */
  firstAtMs: number;
  /** Seeded from an earlier session: `last` has no blocks yet; they are filled in from the next turn's request. */
  seeded?: SeededTurn;
  /** The title the next turn carries: the thread's first turn in this session (its turn 1 is in an earlier one). */
  pendingTitle?: string;
}

/** A turn begun (its request seen), to finish when its response ends. */
export interface BegunTurn {
  ref: ThreadRef;
  delta: TurnDelta;
  readonly threadId: string;
  readonly request: NormalisedRequest;
  readonly api: ApiKind;
  readonly previous: TurnSnapshot | null;
  readonly diff: TurnDiff;
  readonly snapshot: TurnSnapshot;
  /** The turn's `ThreadResume.key`. */
  readonly resumeKey: string;
}

export interface TurnEnd {
  usage: Usage | null;
  /** Ids of the responses this exchange produced (`resp_…`), for later `previous_response_id`s. */
  responseIds: readonly string[];
  toolCalls: readonly ToolCall[];
}

export interface ThreadTrackerOptions {
  /** Threads remembered at most (least recently used forgotten first). */
  maxThreads?: number;
  /** Characters of block text kept for deltas and token counts. */
  textBudgetChars?: number;
  /** Makes a thread's id from its first exchange's id (default: `thr_` + 12 hex digits of its hash). */
  newId?: (firstExchangeId: string) => string;
}

/** A bounded map that forgets its least recently set keys. */
class BoundedMap<V> extends Map<string, V> {
  readonly limit: number;
  constructor(limit: number) {
    super();
    this.limit = limit;
  }
  override set(key: string, value: V): this {
    super.delete(key);
    super.set(key, value);
    if (this.size > this.limit) {
      const oldest = this.keys().next().value;
      if (oldest !== undefined) super.delete(oldest);
    }
    return this;
  }
}

const MIN_TOOL_INPUT_CHARS = 12;

/** The string values in a tool call's arguments (the sub-agent prompt is one), and the arguments whole. */
function toolInputs(call: ToolCall): string[] {
  const out = [call.arguments];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') out.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === 'object') Object.values(value).forEach(walk);
  };
  try {
    walk(JSON.parse(call.arguments));
  } catch {
    // Arguments that are not JSON count whole.
  }
  return out.map(collapseWhitespace).filter((s) => s.length >= MIN_TOOL_INPUT_CHARS);
}

/** One hash of a request's system blocks. */
function systemHash(blocks: readonly BlockRef[]): string {
  return hashText(blocks.map((b) => b.hash).join(','));
}

/** A block whose content is not known (a turn from an earlier session, known by its parts' hashes only). */
const unknownBlock = ({ path }: BlockRef): BlockRef => ({ path, hash: '?' });

/**
 * The thread's latest turn as this turn is compared with: as remembered, or, for a thread seeded
 * from an earlier session, rebuilt from this request where the hashes say it is the same (the
 * messages a prefix match shares, a system prompt and tools that hash the same), else unknown.
 */
function previousOf(
  thread: ThreadState,
  request: NormalisedRequest,
  link: ThreadLink,
  toolsHash: string,
): TurnSnapshot {
  const { seeded, last } = thread;
  if (seeded === undefined) return last;
  const ref = ({ path, hash }: BlockRef): BlockRef => ({ path, hash });
  const same = systemHash(request.system) === seeded.system;
  const first = request.messages[0]?.path ?? 'messages[0]';
  const base = first.replace(/\[\d+\]$/, '');
  const offset = Number(/\[(\d+)\]$/.exec(first)?.[1] ?? 0);
  const messages: MessageRef[] = [];
  for (let i = 0; i < seeded.messages; i++) {
    const m = request.messages[i];
    messages.push(
      link === 'prefix' && m
        ? { path: m.path, hash: m.hash, blocks: m.blocks.map(ref) }
        : { path: m?.path ?? `${base}[${offset + i}]`, hash: `?${i}`, blocks: [] },
    );
  }
  return {
    ...last,
    system: request.system.map(same ? ref : unknownBlock),
    tools: request.tools.map(toolsHash === seeded.tools ? ref : unknownBlock),
    messages,
  };
}

/** Hashes a sub-agent's prompt is found by: its first user message whole, and each of its text blocks (Claude Code puts reminders before the prompt). */
function firstUserHashes(request: NormalisedRequest): string[] {
  if (request.firstUserText === null) return [];
  const hashes = [hashText(collapseWhitespace(request.firstUserText))];
  const first = request.messages.find((m) => m.kind === 'user');
  for (const block of first?.blocks ?? []) {
    if (block.text === block.json) continue;
    const hash = hashText(collapseWhitespace(block.text));
    if (!hashes.includes(hash)) hashes.push(hash);
  }
  return hashes;
}

/** The same capture gives the same ids (a session written twice from the same events is the same file). */
function idFromExchange(exchangeId: string): string {
  return `thr_${hashText(exchangeId).slice(2)}`;
}

export class ThreadTracker {
  readonly #threads: BoundedMap<ThreadState>;
  /** Cumulative hash of a thread's latest message list → thread id. */
  readonly #byPrefix: BoundedMap<string>;
  readonly #byResponseId: BoundedMap<string>;
  readonly #byConversation: BoundedMap<string>;
  /** `session|tools hash` → thread id. */
  readonly #bySession: BoundedMap<string>;
  /**
   * Hash of a tool call's input → the thread that made the call, and how many such calls no
   * sub-agent has answered yet. Kept past the thread's next turn (a background sub-agent may start
   * after it), until a sub-agent answers it or it is the least recently made.
   */
  readonly #byToolInput: BoundedMap<{ threadId: string; waiting: number }>;
  /** Hash of a recent first turn's first user message → its thread (for parents whose answer ends after the child started). */
  readonly #orphans: BoundedMap<string>;
  readonly store: BlockTextStore;
  readonly #newId: (firstExchangeId: string) => string;
  /** Counts tokens; until a real tokenizer is set, about four characters a token. */
  counter: TokenCounter = CHARS_PER_TOKEN;

  constructor(options: ThreadTrackerOptions = {}) {
    const max = options.maxThreads ?? 500;
    this.#threads = new BoundedMap(max);
    this.#byPrefix = new BoundedMap(max);
    this.#byResponseId = new BoundedMap(max * 4);
    this.#byConversation = new BoundedMap(max);
    this.#bySession = new BoundedMap(max);
    this.#byToolInput = new BoundedMap(max * 4);
    this.#orphans = new BoundedMap(256);
    this.store = new BlockTextStore(options.textBudgetChars);
    this.#newId = options.newId ?? idFromExchange;
  }

  /** Threads remembered now. */
  get size(): number {
    return this.#threads.size;
  }

  #thread(id: string | undefined): ThreadState | undefined {
    if (id === undefined) return undefined;
    const thread = this.#threads.get(id);
    if (thread) this.#threads.set(id, thread);
    return thread;
  }

  /** Finds the thread a request belongs to, and how. */
  #match(
    request: NormalisedRequest,
    prefixes: string[],
    sessionKey: string | null,
    userHashes: () => readonly string[],
  ): { thread: ThreadState | undefined; link: ThreadLink; parentId: string | null } {
    if (request.previousResponseId !== null) {
      const thread = this.#thread(this.#byResponseId.get(request.previousResponseId));
      if (thread) return { thread, link: 'previous-response-id', parentId: null };
    }
    if (request.conversation !== null) {
      const thread = this.#thread(this.#byConversation.get(request.conversation));
      if (thread) return { thread, link: 'conversation', parentId: null };
    }
    // The same messages again after a turn that got no answer (a 429, a dropped connection): its retry.
    const same = this.#thread(this.#byPrefix.get(prefixes[prefixes.length - 1] ?? ''));
    if (same && same.last.usage === null && same.last.ended)
      return { thread: same, link: 'prefix', parentId: null };
    // The longest earlier request this one extends (strictly: a repeat of an answered request is not its next turn).
    for (let n = prefixes.length - 2; n >= 0; n--) {
      const key = prefixes[n];
      const thread = key === undefined ? undefined : this.#thread(this.#byPrefix.get(key));
      if (thread) return { thread, link: 'prefix', parentId: null };
    }
    for (const hash of userHashes()) {
      const call = this.#byToolInput.get(hash);
      if (call === undefined || !this.#threads.has(call.threadId)) continue;
      // One sub-agent answers one call.
      if (--call.waiting <= 0) this.#byToolInput.delete(hash);
      return { thread: undefined, link: 'new', parentId: call.threadId };
    }
    if (sessionKey !== null) {
      const thread = this.#thread(this.#bySession.get(sessionKey));
      if (thread) return { thread, link: 'session-id', parentId: null };
    }
    return { thread: undefined, link: 'new', parentId: null };
  }

  /** A request is complete: which thread and turn it is, and what changed since the previous turn. */
  begin(
    exchangeId: string,
    api: ApiKind,
    startedAtMs: number,
    request: NormalisedRequest,
    /** The thread of an earlier turn on the same WebSocket: this turn is that thread's next. */
    sameConnection: string | null = null,
  ): BegunTurn {
    const prefixes: string[] = [];
    let cumulative = '';
    for (const m of request.messages) {
      cumulative = hashText(`${cumulative},${m.hash}`);
      prefixes.push(cumulative);
    }
    const toolsHash = hashText(request.tools.map((t) => t.hash).join(','));
    // Hashed: a session id came in a header whose name marks it a secret.
    const sessionKey = request.sessionId === null ? null : hashText(`${request.sessionId}|${toolsHash}`);
    // Worked out at most once, and only for a turn no earlier one explains (a new thread, a sub-agent).
    let hashes: string[] | null = null;
    const userHashes = (): readonly string[] => {
      hashes ??= firstUserHashes(request);
      return hashes;
    };
    const matched = this.#match(request, prefixes, sessionKey, userHashes);
    const connection = sameConnection === null ? undefined : this.#thread(sameConnection);
    const { thread, link, parentId } =
      connection === undefined || matched.thread === connection
        ? matched
        : { thread: connection, link: 'websocket' as const, parentId: null };
    const previous = thread === undefined ? null : previousOf(thread, request, link, toolsHash);
    const diff = turnDiff(previous, request, link, startedAtMs, this.store);
    for (const b of [...request.system, ...request.tools, ...request.messages.flatMap((m) => m.blocks)])
      this.store.put(b.hash, b.text);

    const anthropic = api === 'anthropic.messages';
    const turn = (previous?.turn ?? 0) + 1;
    const snapshot = snapshotOf(
      request,
      exchangeId,
      turn,
      startedAtMs,
      anthropic,
      cacheLifetime(api, request),
    );
    const prefixKey = prefixes[prefixes.length - 1] ?? '';
    let state: ThreadState;
    let ref: ThreadRef;
    if (thread) {
      state = thread;
      this.#byPrefix.delete(state.prefixKey);
      state.last = snapshot;
      state.prefixKey = prefixKey;
      delete state.seeded;
      ref = { id: state.id, turn, parentId: state.parentId };
      if (state.pendingTitle !== undefined) {
        ref.title = state.pendingTitle;
        delete state.pendingTitle;
      }
    } else {
      const id = this.#newId(exchangeId);
      const title = request.title === null ? '' : preview(request.title, 80);
      ref = { id, turn: 1, parentId, title };
      // The hash of the first user message whole is the first of them (none without one).
      const firstUserHash = userHashes()[0] ?? null;
      state = {
        id,
        parentId,
        firstRef: ref,
        last: snapshot,
        prefixKey,
        sessionKey,
        firstUserHash,
        firstAtMs: startedAtMs,
      };
      // A sub-agent whose parent's answer has not ended yet is found by its prompt when it does.
      if (parentId === null) for (const hash of userHashes()) this.#orphans.set(hash, id);
    }
    this.#threads.set(state.id, state);
    this.#byPrefix.set(prefixKey, state.id);
    if (request.conversation !== null) this.#byConversation.set(request.conversation, state.id);
    if (sessionKey !== null) {
      state.sessionKey = sessionKey;
      this.#bySession.set(sessionKey, state.id);
    }
    const resumeKey = [
      prefixKey,
      systemHash(request.system),
      toolsHash,
      ...(sessionKey === null ? [] : [sessionKey]),
    ].join('.');
    return { ref, delta: diff.delta, threadId: state.id, request, api, previous, diff, snapshot, resumeKey };
  }

  /**
   * Continues threads from an earlier session (oldest first, so the newest are kept): the next
   * request that extends one's latest turn, names its response or its conversation, or carries its
   * session id, is its next turn.
   */
  seed(seeds: readonly ThreadSeed[]): void {
    for (const seed of seeds) {
      if (this.#threads.has(seed.id)) continue;
      const { resume } = seed;
      const [prefix, system, tools, session] = resume.key.split('.');
      if (prefix === undefined || system === undefined || tools === undefined) continue;
      const last: TurnSnapshot = {
        exchangeId: seed.exchangeId,
        turn: seed.turn,
        startedAtMs: seed.startedAtMs,
        model: seed.model,
        anthropic: seed.api === 'anthropic.messages',
        system: [],
        tools: [],
        messages: [],
        breakpoints: resume.breakpoints ?? [],
        lifetime: cacheLifetime(seed.api, {
          ttl1h: resume.ttl1h === true,
          retention: resume.retention ?? null,
        }),
        usage: seed.usage,
        ended: true,
      };
      const state: ThreadState = {
        id: seed.id,
        parentId: seed.parentId,
        firstRef: { id: seed.id, turn: 1, parentId: seed.parentId },
        last,
        prefixKey: prefix,
        sessionKey: session ?? null,
        firstUserHash: null,
        firstAtMs: seed.startedAtMs,
        seeded: { messages: resume.messages, system, tools },
        pendingTitle: seed.title,
      };
      this.#threads.set(seed.id, state);
      this.#byPrefix.set(prefix, seed.id);
      for (const id of resume.responseIds ?? []) this.#byResponseId.set(id, seed.id);
      if (resume.conversation !== undefined) this.#byConversation.set(resume.conversation, seed.id);
      if (session !== undefined) this.#bySession.set(session, seed.id);
    }
  }

  /** What a later session needs to continue the thread from this turn (once it has ended). */
  #resumeOf(begun: BegunTurn, responseIds: readonly string[]): ThreadResume {
    const { request } = begun;
    return {
      key: begun.resumeKey,
      messages: request.messages.length,
      ...(request.breakpoints.length > 0 ? { breakpoints: request.breakpoints } : {}),
      ...(request.ttl1h ? { ttl1h: true as const } : {}),
      ...(request.retention !== null ? { retention: request.retention } : {}),
      ...(responseIds.length > 0 ? { responseIds: [...responseIds] } : {}),
      ...(request.conversation !== null ? { conversation: request.conversation } : {}),
    };
  }

  /** The turn's response ended: its cache verdict and context breakdown, and what later turns link by. */
  end(begun: BegunTurn, end: TurnEnd): { cache: CacheVerdict; context: ContextBreakdown } {
    const { request, snapshot } = begun;
    const usage = end.usage;
    snapshot.usage = usage && {
      input: usage.inputTokens,
      read: usage.cachedTokens,
      write: usage.cacheWriteTokens ?? null,
    };
    snapshot.ended = true;
    const cache = cacheVerdict({
      api: begun.api,
      model: request.model,
      usage,
      previous: begun.previous,
      diff: begun.diff,
      breakpoints: request.breakpoints,
      lifetime: snapshot.lifetime,
    });
    const context = contextBreakdown(request, usage?.inputTokens ?? null, this.counter, this.store);
    const state = this.#threads.get(begun.threadId);
    if (state) {
      for (const id of end.responseIds) this.#byResponseId.set(id, state.id);
      this.#noteToolCalls(state, begun, end.toolCalls);
    }
    begun.ref.resume = this.#resumeOf(begun, end.responseIds);
    return { cache, context };
  }

  /**
   * The tool calls a turn's answer made: what a later sub-agent's first message is matched against,
   * and the sub-agents that started before the answer ended (in whatever order the turns end).
   */
  #noteToolCalls(state: ThreadState, begun: BegunTurn, calls: readonly ToolCall[]): void {
    for (const call of calls) {
      for (const input of new Set(toolInputs(call))) {
        const hash = hashText(input);
        // A sub-agent that started before this answer ended (tools run while the answer streams),
        // whose turns may all be recorded already: this turn names it, and its later turns will.
        const orphanId = this.#orphans.get(hash);
        const orphan =
          orphanId === undefined || orphanId === state.id ? undefined : this.#threads.get(orphanId);
        if (orphan && orphan.parentId === null && orphan.firstAtMs >= begun.snapshot.startedAtMs) {
          orphan.parentId = state.id;
          orphan.firstRef.parentId = state.id;
          this.#orphans.delete(hash);
          begun.ref.children = [...(begun.ref.children ?? []), orphan.id];
          continue;
        }
        const waiting = this.#byToolInput.get(hash);
        this.#byToolInput.set(hash, {
          threadId: state.id,
          waiting: waiting?.threadId === state.id ? waiting.waiting + 1 : 1,
        });
      }
    }
  }
}
