import { useEffect, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ExchangeSummary } from '../../../shared/exchange-record.ts';
import type { UsageRow } from '../../../shared/inspector-contract.ts';
import { useApi } from '../../api/api-context.tsx';
import { quoteValue } from '../../filter/query-parse.ts';
import { refreshUsage, setFilter } from '../../store/actions.ts';
import { useInspector } from '../../store/inspector-store.ts';
import { TokensChart } from './tokens-chart.tsx';
import { type UsageDim, UsageTable } from './usage-table.tsx';

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

/** Usage totals per provider, tenant, model and their combinations, and tokens over time per model. */
export function UsagePanel() {
  const api = useApi();
  const { usage, usageError, rev, order } = useInspector(
    useShallow((s) => ({ usage: s.usage, usageError: s.usageError, rev: s.rev, order: s.order })),
  );
  // The chart reads every summary: redraw it about once a second while traffic flows, not every frame.
  const chartRev = useThrottled(rev, 1000);
  // biome-ignore lint/correctness/useExhaustiveDependencies: rev marks in-place changes of byId
  const summaries = useMemo(() => {
    const { byId } = useInspector.getState();
    const out: ExchangeSummary[] = [];
    for (const id of order) {
      const s = byId.get(id);
      if (s) out.push(s);
    }
    return out;
  }, [order, chartRev]);
  const pick = (dims: readonly UsageDim[]) => (row: UsageRow) =>
    setFilter(dims.map((d) => termFor(d, row[d])).join(' '));
  return (
    <section className="usage-panel" aria-label="Usage totals">
      <div className="usage-head">
        <h2>Usage</h2>
        <button type="button" className="tool-button" onClick={() => void refreshUsage(api)}>
          Refresh
        </button>
        <span className="muted">
          Click a row to filter the requests. Token sums leave out requests with unknown usage.
        </span>
      </div>
      {usageError && <p className="error-text">Could not load usage: {usageError}</p>}
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
