/**
 * What changed between two consecutive turns of a thread: messages appended at the end, and
 * anything changed, added or removed earlier in the prefix, named by its path in the request.
 */
import type { BlockTextStore } from './block-text-store.ts';
import type { NormalisedRequest, RequestBlock, RequestMessage } from './normalise-request.ts';
import { aroundFirstDifference, preview } from './text-preview.ts';
import type { AppendedItem, ContextPath, PrefixChange, ThreadLink, TurnDelta } from './thread-types.ts';
import type { BlockRef, TurnSnapshot } from './turn-snapshot.ts';

/** At most this many prefix changes are listed (a compaction can remove hundreds of messages). */
const MAX_CHANGES = 50;
const VALUE_CHARS = 300;

export interface TurnDiff {
  delta: TurnDelta;
  /** The first place the prefix differs, in the order the provider builds its cache prefix. */
  divergedAt: ContextPath | null;
  diverged: { before: string | null; after: string | null } | null;
}

function appendedItem(message: RequestMessage, echoed: boolean): AppendedItem {
  // After turn 1, what the model said (text or tool calls) comes back as history: the previous answer echoed.
  const fromModel = message.kind === 'assistant' || message.kind === 'tool-call';
  const kind = fromModel && echoed ? 'echoed-answer' : message.kind;
  return {
    at: message.path,
    kind,
    role: message.role,
    preview: preview(message.blocks.map((b) => b.text).join(' '), 200),
    chars: message.blocks.reduce((sum, b) => sum + b.json.length, 0),
  };
}

class Changes {
  readonly list: PrefixChange[] = [];
  /** Every change, kept or not, for the divergence (the first in prefix order wins). */
  first: { at: ContextPath; before: string | null; after: string | null; rank: number } | null = null;
  readonly store: BlockTextStore;
  constructor(store: BlockTextStore) {
    this.store = store;
  }

  add(
    rank: number,
    at: ContextPath,
    change: PrefixChange['change'],
    before: BlockRef | null,
    after: RequestBlock | null,
  ): void {
    const beforeText = before ? (this.store.get(before.hash)?.text ?? null) : null;
    const afterText = after?.text ?? null;
    const pair =
      beforeText !== null && afterText !== null
        ? aroundFirstDifference(beforeText, afterText, VALUE_CHARS)
        : {
            before: beforeText === null ? null : preview(beforeText, VALUE_CHARS),
            after: afterText === null ? null : preview(afterText, VALUE_CHARS),
          };
    if (this.list.length < MAX_CHANGES)
      this.list.push({ at, change, before: pair.before, after: pair.after });
    if (this.first === null || rank < this.first.rank)
      this.first = { at, before: pair.before, after: pair.after, rank };
  }
}

/** Compares blocks that sit at the same places (system parts, tool definitions) by path. */
function compareByPath(
  changes: Changes,
  rank: number,
  before: readonly BlockRef[],
  after: readonly RequestBlock[],
): void {
  const old = new Map(before.map((b) => [b.path, b]));
  after.forEach((b, i) => {
    const prev = old.get(b.path);
    if (!prev) changes.add(rank + i / 1e6, b.path, 'added', null, b);
    else if (prev.hash !== b.hash) changes.add(rank + i / 1e6, b.path, 'changed', prev, b);
    old.delete(b.path);
  });
  for (const prev of old.values()) changes.add(rank + 0.5, prev.path, 'removed', prev, null);
}

/** The delta of `request` against the thread's previous turn (`previous` null: the thread's first turn). */
export function turnDiff(
  previous: TurnSnapshot | null,
  request: NormalisedRequest,
  link: ThreadLink,
  startedAtMs: number,
  store: BlockTextStore,
): TurnDiff {
  if (previous === null) {
    return {
      delta: {
        previousExchangeId: null,
        link,
        appended: request.messages.map((m) => appendedItem(m, false)),
        changed: [],
        compacted: false,
        modelChanged: null,
        sincePreviousMs: null,
      },
      divergedAt: null,
      diverged: null,
    };
  }
  const changes = new Changes(store);
  // Anthropic builds its cache prefix tools → system → messages; OpenAI and Gemini system → tools → messages.
  const [systemRank, toolsRank] = previous.anthropic ? [1, 0] : [0, 1];
  compareByPath(changes, systemRank, previous.system, request.system);
  compareByPath(changes, toolsRank, previous.tools, request.tools);

  let appendFrom: number;
  let compacted = false;
  if (link === 'previous-response-id' || (link === 'websocket' && request.previousResponseId !== null)) {
    // The server holds the history: the request carries only the new items.
    appendFrom = 0;
  } else {
    const prev = previous.messages;
    const cur = request.messages;
    let common = 0;
    while (common < prev.length && common < cur.length && prev[common]?.hash === cur[common]?.hash) common++;
    const overlap = Math.min(prev.length, cur.length);
    for (let i = common; i < overlap; i++) {
      const before = prev[i];
      const after = cur[i];
      if (!before || !after || before.hash === after.hash) continue;
      const rank = 2 + i / 1e4;
      const n = Math.max(before.blocks.length, after.blocks.length);
      let any = false;
      for (let j = 0; j < n; j++) {
        const b = before.blocks[j];
        const a = after.blocks[j];
        if (b && a && b.hash === a.hash) continue;
        any = true;
        changes.add(
          rank + j / 1e8,
          a?.path ?? b?.path ?? after.path,
          !b ? 'added' : !a ? 'removed' : 'changed',
          b ?? null,
          a ?? null,
        );
      }
      // Same blocks but another role: the message itself changed.
      if (!any) changes.add(rank, after.path, 'changed', before, after.blocks[0] ?? null);
    }
    for (let i = cur.length; i < prev.length; i++) {
      const gone = prev[i];
      if (gone) changes.add(2 + i / 1e4, gone.path, 'removed', gone, null);
    }
    compacted = common < prev.length && cur.length < prev.length;
    appendFrom = prev.length;
  }
  const appended = request.messages.slice(appendFrom).map((m) => appendedItem(m, true));
  const first = changes.first;
  return {
    delta: {
      previousExchangeId: previous.exchangeId,
      link,
      appended,
      changed: changes.list.sort((a, b) => order(a.at) - order(b.at)),
      compacted,
      modelChanged: previous.model === request.model ? null : [previous.model, request.model],
      sincePreviousMs: Math.max(0, startedAtMs - previous.startedAtMs),
    },
    divergedAt: first?.at ?? null,
    diverged: first ? { before: first.before, after: first.after } : null,
  };
}

/** Request order for listing: system and tools first, then messages by index. */
function order(path: ContextPath): number {
  const index = /^(?:messages|input|contents)\[(\d+)\]/.exec(path);
  return index ? 1 + Number(index[1]) : 0;
}
