import type { ExchangeSummary } from '../../shared/exchange/exchange-record.ts';
import type { Matcher } from '../filter/query-match.ts';
import type { Facets } from '../filter/query-suggest.ts';
import { comparatorFor, type SortSpec } from './sort.ts';

/** The filtered, sorted ids, computed from scratch (filter or sort changed, a session loaded). */
export function computeView(
  byId: ReadonlyMap<string, ExchangeSummary>,
  order: readonly string[],
  matcher: Matcher,
  sort: SortSpec,
): string[] {
  const rows: ExchangeSummary[] = [];
  // The map's own order (insertion) is nearly always arrival order: walking it saves a lookup per
  // row; a row that arrived out of order is caught below and the rows sorted by arrival.
  const all = byId.size === order.length ? byId.values() : summariesOf(byId, order);
  let inOrder = true;
  let lastSeq = Number.NEGATIVE_INFINITY;
  for (const s of all) {
    if (!matcher(s)) continue;
    if (s.seq < lastSeq) inOrder = false;
    lastSeq = s.seq;
    rows.push(s);
  }
  if (sort.key !== 'time' || sort.dir !== 'asc') rows.sort(comparatorFor(sort));
  else if (!inOrder) rows.sort((a, b) => a.seq - b.seq);
  const ids = new Array<string>(rows.length);
  for (let i = 0; i < rows.length; i++) ids[i] = (rows[i] as ExchangeSummary).id;
  return ids;
}

function* summariesOf(
  byId: ReadonlyMap<string, ExchangeSummary>,
  order: readonly string[],
): Generator<ExchangeSummary> {
  for (const id of order) {
    const s = byId.get(id);
    if (s !== undefined) yield s;
  }
}

/**
 * Updates the view for a batch of changed summaries without re-filtering everything: each changed
 * row leaves its place and, when it still matches, goes back where the sort puts it. New rows under
 * the default sort land at the end in O(1). `previous` holds the summaries as they were before the
 * batch (absent for new rows). `inPlace` changes `ids` itself instead of a copy (live batches: a copy
 * of 100,000 ids per frame is most of a batch's cost, and garbage); `rev` tells subscribers.
 */
export function updateView(
  ids: readonly string[],
  changed: readonly ExchangeSummary[],
  byId: ReadonlyMap<string, ExchangeSummary>,
  matcher: Matcher,
  sort: SortSpec,
  previous: ReadonlyMap<string, ExchangeSummary>,
  inPlace = false,
): string[] {
  const compare = comparatorFor(sort);
  let next: string[] | null = null;
  const mutable = (): string[] => {
    next ??= inPlace ? (ids as string[]) : ids.slice();
    return next;
  };
  for (const summary of changed) {
    const matches = matcher(summary);
    // The view is the matching rows, so whether a row is in it follows from its previous summary:
    // no search through 100,000 ids unless it has to move or leave.
    const before = previous.get(summary.id);
    const wasIn = before !== undefined && matcher(before);
    if (wasIn) {
      // Arrival order never changes: a row that still matches stays where it is.
      if (matches && sort.key === 'time') continue;
      const current: readonly string[] = next ?? ids;
      const at = current.lastIndexOf(summary.id);
      if (at !== -1) mutable().splice(at, 1);
    }
    if (!matches) continue;
    const list = mutable();
    const last = byId.get(list[list.length - 1] ?? '');
    if (last === undefined || compare(last, summary) <= 0) {
      list.push(summary.id);
      continue;
    }
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const other = byId.get(list[mid] ?? '');
      if (other !== undefined && compare(other, summary) <= 0) lo = mid + 1;
      else hi = mid;
    }
    list.splice(lo, 0, summary.id);
  }
  return next ?? (ids as string[]);
}

function addSorted(values: readonly string[], value: string | null): readonly string[] {
  if (value === null || value === '' || values.includes(value)) return values;
  return [...values, value].sort((a, b) => a.localeCompare(b));
}

/** The facets with any new values from these summaries; the same object when nothing is new. */
export function addFacets(facets: Facets, summaries: Iterable<ExchangeSummary>): Facets {
  let { models, tenants, apis, methods } = facets;
  const known = facets.providers ?? [];
  let providers = known;
  for (const s of summaries) {
    models = addSorted(models, s.model);
    tenants = addSorted(tenants, s.tenant);
    providers = addSorted(providers, s.provider ?? null);
    apis = addSorted(apis, s.api);
    methods = addSorted(methods, s.method);
  }
  if (
    models === facets.models &&
    tenants === facets.tenants &&
    apis === facets.apis &&
    methods === facets.methods &&
    providers === known
  ) {
    return facets;
  }
  return { models, tenants, providers, apis, methods };
}
