// @vitest-environment jsdom
import { act, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { ExchangeRecord } from '../../shared/exchange/exchange-record.ts';
import { dataRows, grid, nextFrame, renderApp, setupDomTests } from './support/dom.tsx';
import { MemoryApi } from './support/memory-api.ts';
import { sampleRecords, summaryOf } from './support/records.ts';

setupDomTests();

const ROW_HEIGHT = 22;

function rowOf(id: string): HTMLElement {
  const row = dataRows().find((r) => r.getAttribute('data-id') === id);
  if (!row) throw new Error(`no row ${id}`);
  return row;
}

/** `count` copies of the sample chat exchange, ids ex-0…, in arrival order. */
function manyRecords(count: number): ExchangeRecord[] {
  const chat = sampleRecords().find((r) => r.id === 'ex-chat') as ExchangeRecord;
  return Array.from({ length: count }, (_, i) => ({ ...chat, id: `ex-${i}`, seq: i + 1 }));
}

function indexes(): number[] {
  return dataRows()
    .map((r) => Number(r.getAttribute('aria-rowindex')) - 2)
    .sort((a, b) => a - b);
}

describe('request list rows', () => {
  it('marks replayed, missed and resent exchanges with a badge before the path', async () => {
    const records = sampleRecords();
    const chat = records.find((r) => r.id === 'ex-chat') as ExchangeRecord;
    const api = new MemoryApi([
      ...records,
      { ...chat, id: 'ex-replayed', seq: 20, replayOf: 'ex-chat' },
      { ...chat, id: 'ex-missed', seq: 21, status: 404, replayOf: 'miss' },
      { ...chat, id: 'ex-resent', seq: 22, resentFrom: 'ex-chat' },
    ]);
    renderApp(api);
    await waitFor(() => rowOf('ex-resent'));
    const path = (id: string) => within(rowOf(id)).getAllByRole('gridcell')[3] as HTMLElement;
    expect(path('ex-replayed').textContent).toBe('replay /v1/chat/completions');
    expect(path('ex-missed').textContent).toBe('miss /v1/chat/completions');
    expect(path('ex-resent').textContent).toBe('resend /v1/chat/completions');
    expect(path('ex-chat').textContent).toBe('/v1/chat/completions');
    const miss = within(path('ex-missed')).getByText('miss');
    expect(miss.classList.contains('row-badge-miss')).toBe(true);
    expect(miss.getAttribute('title')).toMatch(/no recording matched/);
    expect(within(path('ex-replayed')).getByText('replay').getAttribute('title')).toBe('Replay of ex-chat');
    expect(within(path('ex-resent')).getByText('resend').getAttribute('title')).toBe('Resent from ex-chat');
    expect(within(path('ex-replayed')).getByText('replay').classList.contains('row-badge-miss')).toBe(false);
  });

  it('renders only a window of a long list, at the bottom while following the newest', async () => {
    renderApp(new MemoryApi(manyRecords(2_000)));
    await waitFor(() => expect(grid().getAttribute('aria-rowcount')).toBe('2001'));
    const shown = indexes();
    // A 600 px viewport (the layout stub) holds 27 rows; 8 more on each side.
    expect(shown.length).toBeLessThan(50);
    expect(shown.at(-1)).toBe(1_999);
    expect(shown).toEqual(shown.map((_, i) => (shown[0] ?? 0) + i));
    expect(grid().scrollTop).toBe(24 + 2_000 * ROW_HEIGHT - 600);
  });

  it('reuses the rows that scroll out for the rows that scroll in, and leaves the others alone', async () => {
    const user = userEvent.setup();
    renderApp(new MemoryApi(manyRecords(2_000)));
    await waitFor(() => expect(grid().getAttribute('aria-rowcount')).toBe('2001'));
    await user.click(screen.getByRole('checkbox', { name: 'Follow newest' }));
    const el = grid();
    act(() => {
      el.scrollTop = 1_000 * ROW_HEIGHT;
      el.dispatchEvent(new Event('scroll'));
    });
    const before = new Map(dataRows().map((r) => [r.getAttribute('aria-rowindex'), r]));
    expect(indexes()[8]).toBe(1_000);
    const elements = new Set(dataRows());
    const mutated = new Set<Node>();
    const observer = new MutationObserver((records) => {
      for (const r of records) mutated.add(r.target);
    });
    observer.observe(el, { subtree: true, childList: true, characterData: true, attributes: true });
    act(() => {
      el.scrollTop = 1_003 * ROW_HEIGHT;
      el.dispatchEvent(new Event('scroll'));
    });
    await Promise.resolve();
    observer.disconnect();
    expect(indexes()[8]).toBe(1_003);
    // The same elements, none added or removed: three took new rows, the rest kept theirs untouched.
    expect(new Set(dataRows())).toEqual(elements);
    const changedRows = dataRows().filter((row) => [...mutated].some((node) => row.contains(node)));
    expect(changedRows).toHaveLength(3);
    for (const row of dataRows()) {
      if (!changedRows.includes(row)) expect(before.get(row.getAttribute('aria-rowindex'))).toBe(row);
    }
    // Row positions follow their index.
    const row = rowOf('ex-1003');
    expect(row.style.transform).toBe(`translateY(${1_003 * ROW_HEIGHT}px)`);
  });

  it('applies a live update to its own row only', async () => {
    const records = manyRecords(100);
    const api = new MemoryApi(records);
    renderApp(api);
    await waitFor(() => rowOf('ex-99'));
    const mutated = new Set<Node>();
    const observer = new MutationObserver((list) => {
      for (const r of list) mutated.add(r.target);
    });
    observer.observe(grid(), { subtree: true, childList: true, characterData: true, attributes: true });
    const last = records.at(-1) as ExchangeRecord;
    const failure = {
      kind: 'upstream-http-error',
      status: 500,
      type: null,
      code: null,
      message: 'HTTP 500',
    } as const;
    act(() => api.progress({ ...summaryOf(last), status: 500, state: 'error', error: failure }));
    await act(nextFrame);
    observer.disconnect();
    const changed = dataRows().filter((row) => [...mutated].some((node) => row.contains(node)));
    expect(changed.map((r) => r.getAttribute('data-id'))).toEqual(['ex-99']);
    expect(within(rowOf('ex-99')).getByText('500 error')).toBeTruthy();
    expect(rowOf('ex-99').classList.contains('row-error')).toBe(true);
  });
});
