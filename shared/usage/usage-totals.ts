import type { UsageRow, UsageTotals } from '../contract/inspector-contract.ts';
import { isFailed, isLive } from '../exchange/exchange-lifecycle.ts';
import type { ExchangeSummary } from '../exchange/exchange-record.ts';

type Key = { provider?: string | null; tenant?: string | null; model?: string | null };

/**
 * Usage per tenant, per model, per tenant × model, per provider (the route) and per provider ×
 * tenant × model; unknown usage is counted apart, never as zero.
 */
export function usageTotals(summaries: readonly ExchangeSummary[]): UsageTotals {
  const byTenant = new Map<string, UsageRow>();
  const byModel = new Map<string, UsageRow>();
  const byTenantModel = new Map<string, UsageRow>();
  const byProvider = new Map<string, UsageRow>();
  const byProviderTenantModel = new Map<string, UsageRow>();
  for (const summary of summaries) {
    if (isLive(summary)) continue;
    const { tenant, model } = summary;
    const provider = summary.provider ?? null;
    add(byTenant, JSON.stringify([tenant]), { tenant }, summary);
    add(byModel, JSON.stringify([model]), { model }, summary);
    add(byTenantModel, JSON.stringify([tenant, model]), { tenant, model }, summary);
    add(byProvider, JSON.stringify([provider]), { provider }, summary);
    add(
      byProviderTenantModel,
      JSON.stringify([provider, tenant, model]),
      { provider, tenant, model },
      summary,
    );
  }
  const sorted = (rows: Map<string, UsageRow>) =>
    [...rows.values()].sort(
      (a, b) =>
        (b.costUsd ?? 0) - (a.costUsd ?? 0) || b.totalTokens - a.totalTokens || b.requests - a.requests,
    );
  return {
    byTenant: sorted(byTenant),
    byModel: sorted(byModel),
    byTenantModel: sorted(byTenantModel),
    byProvider: sorted(byProvider),
    byProviderTenantModel: sorted(byProviderTenantModel),
  };
}

function add(rows: Map<string, UsageRow>, id: string, key: Key, summary: ExchangeSummary): void {
  let row = rows.get(id);
  if (!row) {
    row = {
      ...key,
      requests: 0,
      errors: 0,
      unknownUsage: 0,
      inputTokens: 0,
      outputTokens: 0,
      cachedTokens: 0,
      reasoningTokens: 0,
      totalTokens: 0,
      costUsd: null,
    };
    rows.set(id, row);
  }
  row.requests++;
  if (isFailed(summary)) row.errors++;
  const usage = summary.usage;
  if (usage) {
    row.inputTokens += usage.inputTokens;
    row.outputTokens += usage.outputTokens;
    row.cachedTokens += usage.cachedTokens ?? 0;
    row.reasoningTokens += usage.reasoningTokens ?? 0;
    row.totalTokens += usage.totalTokens;
  } else {
    row.unknownUsage++;
  }
  if (summary.costUsd !== null) row.costUsd = (row.costUsd ?? 0) + summary.costUsd;
}
