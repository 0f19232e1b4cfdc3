// @vitest-environment jsdom
/**
 * The route each exchange took (`provider`) as a list column, a filter field
 * (`provider:anthropic`, with autocomplete) and a dimension of the usage totals.
 */
import { screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { compileQuery } from '../../renderer/filter/query-match.ts';
import type { ExchangeRecord } from '../../shared/exchange/exchange-record.ts';
import { usageTotals } from '../../shared/usage/usage-totals.ts';
import { dataRows, renderApp, setupDomTests } from './support/dom.tsx';
import { MemoryApi } from './support/memory-api.ts';
import { sampleRecords, summaryOf } from './support/records.ts';

setupDomTests();

/** The sample records, routed: Anthropic's by the anthropic route, the rest by the default. */
function routedRecords(): ExchangeRecord[] {
  return sampleRecords().map((r) => ({ ...r, provider: r.id === 'ex-anthropic' ? 'anthropic' : 'upstream' }));
}

const ids = () => dataRows().map((r) => r.getAttribute('data-id'));

describe('provider', () => {
  it('is a list column', async () => {
    renderApp(new MemoryApi(routedRecords()));
    await waitFor(() => expect(dataRows().length).toBeGreaterThan(0));
    const headers = screen.getAllByRole('columnheader');
    const column = headers.findIndex((h) => /Provider/.test(h.textContent ?? ''));
    expect(column).toBeGreaterThan(-1);
    const cell = (id: string) =>
      within(dataRows().find((r) => r.getAttribute('data-id') === id) as HTMLElement).getAllByRole(
        'gridcell',
      )[column];
    expect(cell('ex-anthropic')?.textContent).toBe('anthropic');
    expect(cell('ex-chat')?.textContent).toBe('upstream');
  });

  it('is a filter field, autocompleted from the routes seen', async () => {
    const records = routedRecords();
    const summaries = records.map(summaryOf);
    const matching = (query: string) => summaries.filter(compileQuery(query)).map((s) => s.id);
    expect(matching('provider:anthropic')).toEqual(['ex-anthropic']);
    expect(matching('-provider:upstream')).toEqual(['ex-anthropic']);
    expect(matching('provider:anth*')).toEqual(['ex-anthropic']);
    // Recorded before routes: no provider, so no provider: matches it and -has:provider does.
    expect(sampleRecords().map(summaryOf).filter(compileQuery('has:provider'))).toEqual([]);

    const user = userEvent.setup();
    renderApp(new MemoryApi(records));
    await waitFor(() => expect(dataRows()).toHaveLength(records.length));
    const input = screen.getByRole('combobox', { name: 'Filter requests' });
    await user.type(input, 'provider:an');
    await user.click(await screen.findByRole('option', { name: /provider:anthropic/ }));
    await waitFor(() => expect(ids()).toEqual(['ex-anthropic']));
  });

  it('is a dimension of the usage totals: per provider and provider × tenant × model; a click filters', async () => {
    const records = routedRecords();
    const totals = usageTotals(records.map(summaryOf));
    const anthropic = totals.byProvider.find((row) => row.provider === 'anthropic');
    const source = records.find((r) => r.id === 'ex-anthropic') as ExchangeRecord;
    expect(anthropic).toMatchObject({ requests: 1, inputTokens: source.usage?.inputTokens });
    expect(totals.byProviderTenantModel).toContainEqual(
      expect.objectContaining({
        provider: 'anthropic',
        tenant: source.tenant,
        model: source.model,
        requests: 1,
      }),
    );
    const upstreamRequests = totals.byProvider.find((row) => row.provider === 'upstream')?.requests;
    expect(upstreamRequests).toBe(records.length - 1);

    const user = userEvent.setup();
    renderApp(new MemoryApi(records));
    await waitFor(() => expect(dataRows()).toHaveLength(records.length));
    await user.click(screen.getByRole('button', { name: 'Usage' }));
    const perProvider = await screen.findByRole('table', { name: 'Per provider' });
    const row = within(perProvider).getByRole('row', { name: /^anthropic:/ });
    expect(within(row).getAllByRole('cell')[0]?.textContent).toBe('1');
    expect(screen.getByRole('table', { name: 'Provider × tenant × model' })).toBeDefined();
    await user.click(row);
    await waitFor(() => expect(ids()).toEqual(['ex-anthropic']));
    expect((screen.getByRole('combobox', { name: 'Filter requests' }) as HTMLInputElement).value).toBe(
      'provider:anthropic',
    );
  });
});
