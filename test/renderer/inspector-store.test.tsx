// @vitest-environment jsdom
/**
 * What the store built around its transport guarantees: each store keeps all of its state (two
 * side by side share nothing), a reset leaves a clean one, components read the rows changed in
 * place through `useRows` and see every change, and the usage totals follow the live summaries
 * without asking the main side.
 */
import { act, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createInspectorStore } from '../../renderer/store/inspector-store.ts';
import { useRows } from '../../renderer/store/use-rows.ts';
import { renderApp, renderWithStore, setupDomTests } from './support/dom.tsx';
import { MemoryApi } from './support/memory-api.ts';
import { buildExchange, sampleRecords, summaryOf } from './support/records.ts';

setupDomTests();

const records = sampleRecords();

/** Reads the rows through useRows: how many, and the state of the one called 'live'. */
function Probe() {
  const rows = useRows();
  return <output aria-label="probe">{`${rows.total}:${rows.get('live')?.state ?? 'none'}`}</output>;
}

describe('the inspector store', () => {
  it('keeps everything per store: two stores side by side share no rows, selection, cache or notices', async () => {
    const one = new MemoryApi(records);
    const two = new MemoryApi(records.slice(0, 2));
    const a = createInspectorStore(one);
    const b = createInspectorStore(two);
    const stopA = a.actions.start();
    const stopB = b.actions.start();
    await waitForRows(a, records.length);
    await waitForRows(b, 2);

    a.actions.setFilter('is:streaming');
    await a.actions.select('ex-chat');
    a.actions.notify('error', 'only in a');
    expect(b.getState().filterText).toBe('');
    expect(b.getState().selectedId).toBeNull();
    expect(b.getState().notices).toEqual([]);
    expect(b.getState().ids).toHaveLength(2);

    // b never fetched ex-chat: it asks its own transport, not a's cache.
    await b.actions.select('ex-chat');
    expect(two.calls.filter((c) => c.channel === 'exchanges.get')).toHaveLength(1);
    expect(b.getState().detail?.record?.id).toBe('ex-chat');
    stopA();
    stopB();
  });

  it('resets to a clean store: no rows, no cached details, nothing held back', async () => {
    const api = new MemoryApi(records);
    const store = createInspectorStore(api);
    const stop = store.actions.start();
    await waitForRows(store, records.length);
    await store.actions.select('ex-chat');
    store.actions.notify('info', 'fades later');
    stop();

    store.reset();
    expect(store.getState().order).toEqual([]);
    expect(store.getState().byId.size).toBe(0);
    expect(store.getState().notices).toEqual([]);
    expect(store.getState().selectedId).toBeNull();
    // The record fetched before the reset is not served from a cache that outlived it.
    const fetched = () => api.calls.filter((c) => c.channel === 'exchanges.get').length;
    const before = fetched();
    await store.actions.select('ex-chat');
    expect(fetched()).toBe(before + 1);
  });

  it('re-renders what reads the rows through useRows when a live batch changes them in place', async () => {
    const api = new MemoryApi();
    const { snapshots, record } = buildExchange({
      id: 'live',
      seq: 1,
      fixture: 'openai-chat-stream-usage.sse',
      body: { model: 'gpt-4o', stream: true, messages: [] },
    });
    const { store } = renderWithStore(<Probe />, api);
    const stop = store.actions.start();
    await waitFor(() => expect(store.getState().listLoading).toBe(false));
    const first = snapshots[0];
    const last = summaryOf(record);
    if (first === undefined) throw new Error('no snapshots');
    const orderBefore = store.getState().order;
    act(() => void store.actions.receive([{ type: 'exchange', summary: first }]));
    expect(screen.getByLabelText('probe').textContent).toBe(`1:${first.state}`);
    act(() => void store.actions.receive([{ type: 'exchange', summary: last }]));
    expect(screen.getByLabelText('probe').textContent).toBe('1:complete');
    // The arrays really were changed in place (the reason for useRows).
    expect(store.getState().order).toBe(orderBefore);
    stop();
  });

  it('totals usage from the live summaries it holds, never asking the main side', async () => {
    const api = new MemoryApi(records);
    const user = userEvent.setup();
    renderApp(api);
    await user.click(await screen.findByRole('button', { name: 'Usage' }));
    const perModel = await screen.findByRole('table', { name: 'Per model' });
    expect(within(perModel).queryByRole('row', { name: /gpt-4o-live-model/ })).toBeNull();

    const { record } = buildExchange({
      id: 'ex-new',
      seq: 100,
      fixture: 'openai-chat-stream-usage.sse',
      body: { model: 'gpt-4o', stream: true, messages: [] },
    });
    const renamed = { ...record, model: 'gpt-4o-live-model' };
    act(() => api.progress(summaryOf(renamed), renamed));
    await waitFor(
      () => {
        const table = screen.getByRole('table', { name: 'Per model' });
        const row = within(table).getByRole('row', { name: /gpt-4o-live-model/ });
        expect(within(row).getAllByRole('cell')[0]?.textContent, 'one request of the new model').toBe('1');
      },
      { timeout: 3000 },
    );
    expect(api.calls.filter((c) => c.channel === 'usage.get')).toEqual([]);
  });
});

/** Waits until the store's list holds `count` rows. */
async function waitForRows(store: ReturnType<typeof createInspectorStore>, count: number) {
  await waitFor(() => expect(store.getState().order, `${count} rows loaded`).toHaveLength(count));
}
