import { useEffect, useMemo, useRef, useState } from 'react';
import type { UsageRow } from '../../../shared/contract/inspector-contract.ts';
import { quoteValue } from '../../filter/query-parse.ts';
import { useActions, useInspector } from '../../store/inspector-context.tsx';
import { useRows } from '../../store/use-rows.ts';
import { TokensChart } from './tokens-chart.tsx';
import { type UsageDim, UsageTable } from './usage-table.tsx';
import { createUsageTotalsCache } from './usage-totals-cache.ts';

/** The filter term that selects a usage row's provider, tenant or model (a missing one: `-has:`). */
function termFor(dim: UsageDim, value: string | null | undefined): string {
  return value == null ? `-has:${dim}` : `${dim}:${quoteValue(value)}`;
}

/** The value, updated at most once per `ms` (the latest value wins). */
function useThrottled<T>(value: T, ms: number): T {
  const [shown, setShown] = useState(value);
  const last = useRef(0);
  useEffect(() => {
    const wait = last.current + ms - Date.now();
    if (wait <= 0) {
      last.current = Date.now();
      setShown(value);
      return;
    }
    const timer = setTimeout(() => {
      last.current = Date.now();
      setShown(value);
    }, wait);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return shown;
}

/**
 * Usage totals per provider, tenant, model and their combinations, and tokens over time per model,
 * computed from the summaries the list holds (the main side's `usage.get` computes the same).
 */
export function UsagePanel() {
  const { setFilter } = useActions();
  const rows = useRows();
  const listLoading = useInspector((s) => s.listLoading);
  // Totals and chart read every summary: recomputed about once a second while traffic flows, not every frame.
  const shown = useThrottled(rows, 1000);
  const summaries = useMemo(() => shown.all(), [shown]);
  const [cache] = useState(createUsageTotalsCache);
  const usage = useMemo(
    () => (listLoading ? null : cache.totals(summaries)),
    [cache, summaries, listLoading],
  );
  const pick = (dims: readonly UsageDim[]) => (row: UsageRow) =>
    setFilter(dims.map((d) => termFor(d, row[d])).join(' '));
  return (
    <section className="usage-panel" aria-label="Usage totals">
      <div className="usage-head">
        <h2>Usage</h2>
        <span className="muted">
          Click a row to filter the requests. Token sums leave out requests with unknown usage.
        </span>
      </div>
      {usage === null ? (
        <p className="muted">Loading usage…</p>
      ) : (
        <>
          <UsageTable
            caption="Per provider"
            rows={usage.byProvider}
            dims={['provider']}
            onPick={pick(['provider'])}
          />
          <UsageTable
            caption="Per tenant"
            rows={usage.byTenant}
            dims={['tenant']}
            onPick={pick(['tenant'])}
          />
          <UsageTable caption="Per model" rows={usage.byModel} dims={['model']} onPick={pick(['model'])} />
          <UsageTable
            caption="Tenant × model"
            rows={usage.byTenantModel}
            dims={['tenant', 'model']}
            onPick={pick(['tenant', 'model'])}
          />
          <UsageTable
            caption="Provider × tenant × model"
            rows={usage.byProviderTenantModel}
            dims={['provider', 'tenant', 'model']}
            onPick={pick(['provider', 'tenant', 'model'])}
          />
        </>
      )}
      <h3>Tokens over time per model</h3>
      <TokensChart summaries={summaries} />
    </section>
  );
}
