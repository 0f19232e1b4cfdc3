import { describe, expect, it } from 'vitest';
import { createUsageTotalsCache } from '../../renderer/components/usage/usage-totals-cache.ts';
import type { UsageTotals } from '../../shared/contract/inspector-contract.ts';
import type { ExchangeSummary } from '../../shared/exchange/exchange-record.ts';
import { usageTotals } from '../../shared/usage/usage-totals.ts';
import { sampleRecords, summaryOf } from './support/records.ts';

/** `n` summaries over a few models, tenants and routes, from the sample records. */
function manySummaries(n: number): ExchangeSummary[] {
  const base = sampleRecords().map(summaryOf);
  return Array.from({ length: n }, (_, i) => {
    const s = base[i % base.length] as ExchangeSummary;
    return {
      ...s,
      id: `x${i}`,
      seq: i,
      model: `${s.model}-${i % 5}`,
      provider: i % 3 === 0 ? 'anthropic' : 'upstream',
    };
  });
}

/**
 * Costs summed in another order differ in the last bits, and so may the order of rows whose costs
 * tie: compare the costs to 12 places, the rows in the order of their keys.
 */
function rounded(totals: UsageTotals): UsageTotals {
  const key = (r: UsageTotals['byModel'][number]) => JSON.stringify([r.provider, r.tenant, r.model]);
  const round = (rows: UsageTotals['byModel']) =>
    rows
      .map((r) => ({ ...r, costUsd: r.costUsd === null ? null : Number(r.costUsd.toFixed(12)) }))
      .sort((a, b) => key(a).localeCompare(key(b)));
  return {
    byTenant: round(totals.byTenant),
    byModel: round(totals.byModel),
    byTenantModel: round(totals.byTenantModel),
    byProvider: round(totals.byProvider),
    byProviderTenantModel: round(totals.byProviderTenantModel),
  };
}

describe('usage totals kept per block of rows', () => {
  it('are the totals of the whole list, and a live change sums only its own block again', () => {
    const summaries = manySummaries(10_000);
    const cache = createUsageTotalsCache();
    expect(rounded(cache.totals(summaries))).toEqual(rounded(usageTotals(summaries)));
    expect(cache.recomputed).toBe(5);

    const changed = summaries.slice();
    const last = changed.at(-1) as ExchangeSummary;
    changed[changed.length - 1] = { ...last, usage: null, costUsd: null };
    changed.push({ ...last, id: 'new', seq: 10_000, model: 'brand-new' });
    expect(rounded(cache.totals(changed))).toEqual(rounded(usageTotals(changed)));
    expect(cache.recomputed, 'only the last block summed again').toBe(1);
  });

  it('is usageTotals itself for a short list', () => {
    const summaries = manySummaries(100);
    expect(createUsageTotalsCache().totals(summaries)).toEqual(usageTotals(summaries));
  });
});
