/**
 * The thread list and one thread's turns, built from exchange summaries (each carries its
 * `thread`) and, for one thread's detail, its records. Nothing is kept between calls: a list is
 * a pass over the summaries, as usage totals are.
 */
import type { ExchangeRecord, ExchangeSummary } from '../exchange/exchange-record.ts';
import type { ThreadDetail, ThreadListItem, ThreadRef, ThreadTurn } from './thread-types.ts';

function addOnce<T>(list: T[], value: T | null | undefined): void {
  if (value !== null && value !== undefined && !list.includes(value)) list.push(value);
}

interface Building {
  item: ThreadListItem;
  firstTurn: number;
}

/** The threads the summaries belong to, most recently active first, each with its children's ids. */
export function listThreads(
  summaries: Iterable<ExchangeSummary>,
  threadOf: (s: ExchangeSummary) => ThreadRef | null | undefined = (s) => s.thread,
): ThreadListItem[] {
  const threads = new Map<string, Building>();
  /** Sub-agent → parent, as the parent's turns name them (children recorded before their parent was known). */
  const adopted = new Map<string, string>();
  for (const summary of summaries) {
    const ref = threadOf(summary);
    if (!ref) continue;
    for (const child of ref.children ?? []) if (child !== ref.id) adopted.set(child, ref.id);
    let building = threads.get(ref.id);
    if (!building) {
      building = {
        firstTurn: Number.POSITIVE_INFINITY,
        item: {
          id: ref.id,
          parentId: null,
          childIds: [],
          title: '',
          turns: 0,
          providers: [],
          models: [],
          apis: [],
          firstAt: summary.startedAt,
          lastAt: summary.startedAt,
          totals: {
            inputTokens: 0,
            cachedTokens: 0,
            cacheWriteTokens: 0,
            outputTokens: 0,
            totalTokens: 0,
            costUsd: null,
          },
        },
      };
      threads.set(ref.id, building);
    }
    const { item } = building;
    // A WebSocket exchange may carry several turns (`turn` to `lastTurn`).
    item.turns += ref.lastTurn === undefined ? 1 : Math.max(1, ref.lastTurn - ref.turn + 1);
    // A parent learnt after the first turn ended (a sub-agent started while its parent's answer streamed) is on later turns.
    if (ref.parentId !== null) item.parentId = ref.parentId;
    if (ref.turn < building.firstTurn) {
      building.firstTurn = ref.turn;
      if (ref.title !== undefined) item.title = ref.title;
    }
    addOnce(item.providers, summary.provider);
    addOnce(item.models, summary.model);
    addOnce(item.apis, summary.api);
    if (summary.startedAt < item.firstAt) item.firstAt = summary.startedAt;
    if (summary.startedAt > item.lastAt) item.lastAt = summary.startedAt;
    const { usage, costUsd } = summary;
    if (usage) {
      item.totals.inputTokens += usage.inputTokens;
      item.totals.cachedTokens += usage.cachedTokens ?? 0;
      item.totals.cacheWriteTokens += usage.cacheWriteTokens ?? 0;
      item.totals.outputTokens += usage.outputTokens;
      item.totals.totalTokens += usage.totalTokens;
    }
    if (costUsd !== null) item.totals.costUsd = (item.totals.costUsd ?? 0) + costUsd;
  }
  const items = [...threads.values()].map((b) => b.item);
  const byId = new Map(items.map((item) => [item.id, item]));
  for (const [child, parent] of adopted) {
    const item = byId.get(child);
    if (item && item.parentId === null) item.parentId = parent;
  }
  for (const item of [...items].sort((a, b) => (a.firstAt < b.firstAt ? -1 : 1))) {
    if (item.parentId !== null) byId.get(item.parentId)?.childIds.push(item.id);
  }
  return items.sort((a, b) => (a.lastAt > b.lastAt ? -1 : a.lastAt < b.lastAt ? 1 : 0));
}

/** One turn of a thread, from its record (`thread` the record's ref, or the rebuilt one). */
export function threadTurn(
  record: ExchangeRecord,
  ref: ThreadRef,
  fields: Pick<ExchangeRecord, 'delta' | 'cache' | 'context'> = record,
): ThreadTurn {
  return {
    turn: ref.turn,
    exchangeId: record.id,
    startedAt: record.startedAt,
    api: record.api,
    model: record.model,
    provider: record.provider ?? null,
    state: record.state,
    usage: record.usage,
    costUsd: record.costUsd,
    delta: fields.delta ?? null,
    cache: fields.cache ?? null,
    context: fields.context ?? null,
  };
}

/** The turns of one record: one, or each of a WebSocket exchange's (`socketTurns`). */
export function recordTurns(
  record: ExchangeRecord,
  ref: ThreadRef,
  fields: Pick<ExchangeRecord, 'delta' | 'cache' | 'context' | 'socketTurns'> = record,
): ThreadTurn[] {
  const { socketTurns } = fields;
  if (!socketTurns || socketTurns.length === 0) return [threadTurn(record, ref, fields)];
  return socketTurns.map((t) => ({
    turn: t.turn,
    exchangeId: record.id,
    startedAt: t.startedAt,
    api: record.api,
    model: t.model,
    provider: record.provider ?? null,
    state: record.state,
    usage: t.usage,
    // Priced per exchange, not per turn.
    costUsd: null,
    delta: t.delta,
    cache: t.cache,
    context: t.context,
  }));
}

/** A thread's detail from its list item and its turns (sorted into turn order here). */
export function threadDetail(item: ThreadListItem, turns: ThreadTurn[]): ThreadDetail {
  return {
    thread: item,
    turns: turns.sort((a, b) => a.turn - b.turn || (a.startedAt < b.startedAt ? -1 : 1)),
  };
}
