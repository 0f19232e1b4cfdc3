import type { ExchangeSummary } from '../../shared/exchange-record.ts';
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
  for (const id of order) {
    const s = byId.get(id);
    if (s !== undefined && matcher(s)) rows.push(s);
  }
  if (sort.key !== 'time' || sort.dir !== 'asc') rows.sort(comparatorFor(sort));
  return rows.map((s) => s.id);
}

/**
 * Updates the view for a batch of changed summaries without re-filtering everything: each changed
 * row leaves its place and, when it still matches, goes back where the sort puts it. New rows under
 * the default sort land at the end in O(1).
 */
export function updateView(
  ids: readonly string[],
  changed: readonly ExchangeSummary[],
  byId: ReadonlyMap<string, ExchangeSummary>,
  matcher: Matcher,
  sort: SortSpec,
  isNew: ReadonlySet<string>,
): string[] {
  const compare = comparatorFor(sort);
  let next: string[] | null = null;
  const mutable = (): string[] => {
    next ??= ids.slice();
    return next;
  };
  for (const summary of changed) {
    const current: readonly string[] = next ?? ids;
    const matches = matcher(summary);
    if (!isNew.has(summary.id)) {
      const at = current.indexOf(summary.id);
      if (at !== -1) {
        // Under the default sort a row never moves: skip the remove-and-insert.
        if (matches && sort.key === 'time') continue;
        mutable().splice(at, 1);
      }
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
  for (const s of summaries) {
    models = addSorted(models, s.model);
    tenants = addSorted(tenants, s.tenant);
    apis = addSorted(apis, s.api);
    methods = addSorted(methods, s.method);
  }
  if (
    models === facets.models &&
    tenants === facets.tenants &&
    apis === facets.apis &&
    methods === facets.methods
  ) {
    return facets;
  }
  return { models, tenants, apis, methods };
}
