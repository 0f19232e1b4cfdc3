import type { UsageRow, UsageTotals } from '../../../shared/contract/inspector-contract.ts';
import type { ExchangeSummary } from '../../../shared/exchange/exchange-record.ts';
import { usageTotals } from '../../../shared/usage/usage-totals.ts';

/** Summaries per block: a live batch dirties the last block or two, and only those are summed again. */
const BLOCK = 2048;

const DIMENSIONS = ['byTenant', 'byModel', 'byTenantModel', 'byProvider', 'byProviderTenantModel'] as const;

interface Block {
  summaries: ExchangeSummary[];
  totals: UsageTotals;
}

/**
 * `usageTotals` of a growing list, kept per block of rows in arrival order. Summaries are replaced,
 * never changed, so a block whose summaries are the same objects has the same totals; totalling
 * 100,000 rows again once a second while traffic flows would freeze the window for a good part of it.
 */
export interface UsageTotalsCache {
  totals(summaries: readonly ExchangeSummary[]): UsageTotals;
  /** Blocks summed again by the last call (for tests). */
  readonly recomputed: number;
}

/** A cache for one view of the totals (one per usage panel). */
export function createUsageTotalsCache(): UsageTotalsCache {
  let blocks: Block[] = [];
  let recomputed = 0;
  return {
    totals(summaries) {
      const next: Block[] = [];
      recomputed = 0;
      for (let start = 0; start < summaries.length; start += BLOCK) {
        const slice = summaries.slice(start, start + BLOCK);
        const old = blocks[next.length];
        if (old !== undefined && sameSummaries(old.summaries, slice)) next.push(old);
        else {
          recomputed++;
          next.push({ summaries: slice, totals: usageTotals(slice) });
        }
      }
      blocks = next;
      const [only] = next;
      if (next.length === 1 && only !== undefined) return only.totals;
      return mergeTotals(next.map((b) => b.totals));
    },
    get recomputed() {
      return recomputed;
    },
  };
}

function sameSummaries(a: readonly ExchangeSummary[], b: readonly ExchangeSummary[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The totals of all the parts, rows of the same key added, sorted as `usageTotals` sorts. */
function mergeTotals(parts: readonly UsageTotals[]): UsageTotals {
  const merged = {} as UsageTotals;
  for (const dimension of DIMENSIONS) {
    const rows = new Map<string, UsageRow>();
    for (const part of parts) {
      for (const row of part[dimension]) {
        const key = JSON.stringify([row.provider, row.tenant, row.model]);
        const sum = rows.get(key);
        if (sum === undefined) rows.set(key, { ...row });
        else addRow(sum, row);
      }
    }
    merged[dimension] = [...rows.values()].sort(
      (a, b) =>
        (b.costUsd ?? 0) - (a.costUsd ?? 0) || b.totalTokens - a.totalTokens || b.requests - a.requests,
    );
  }
  return merged;
}

function addRow(sum: UsageRow, row: UsageRow): void {
  sum.requests += row.requests;
  sum.errors += row.errors;
  sum.unknownUsage += row.unknownUsage;
  sum.inputTokens += row.inputTokens;
  sum.outputTokens += row.outputTokens;
  sum.cachedTokens += row.cachedTokens;
  sum.reasoningTokens += row.reasoningTokens;
  sum.totalTokens += row.totalTokens;
  if (row.costUsd !== null) sum.costUsd = (sum.costUsd ?? 0) + row.costUsd;
}
