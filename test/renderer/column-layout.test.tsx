// @vitest-environment jsdom
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { loadColumnLayout } from '../../renderer/components/list/column-layout.ts';
import { renderApp, setupDomTests } from './support/dom.tsx';
import { MemoryApi } from './support/memory-api.ts';
import { sampleRecords } from './support/records.ts';

setupDomTests();

function headers(): string[] {
  const grid = screen.getByRole('grid', { name: 'Requests' });
  return within(grid)
    .getAllByRole('columnheader')
    .map((h) => h.getAttribute('title') ?? '');
}

describe('list columns', () => {
  it('hides and reorders columns, for the header and every row, and remembers it', async () => {
    const user = userEvent.setup();
    renderApp(new MemoryApi(sampleRecords()));
    await waitFor(() => expect(headers().length).toBeGreaterThan(5));
    const before = headers();
    expect(before.slice(0, 2)).toEqual(['Start time', 'HTTP method']);

    await user.click(screen.getByRole('button', { name: 'List columns' }));
    await user.click(screen.getByRole('checkbox', { name: 'HTTP method' }));
    expect(headers()).not.toContain('HTTP method');
    // Past the hidden method column, then past the time column.
    await user.click(screen.getByRole('button', { name: 'Move API kind earlier' }));
    await user.click(screen.getByRole('button', { name: 'Move API kind earlier' }));
    expect(headers().slice(0, 2)).toEqual(['API kind', 'Start time']);
    const row = within(screen.getByRole('grid', { name: 'Requests' })).getAllByRole('row')[1] as HTMLElement;
    expect(within(row).getAllByRole('gridcell')).toHaveLength(before.length - 1);
    expect(loadColumnLayout().hidden).toEqual(['method']);

    // A new page load gets the same layout.
    cleanup();
    renderApp(new MemoryApi(sampleRecords()));
    await waitFor(() => expect(headers().slice(0, 2)).toEqual(['API kind', 'Start time']));
    await user.click(screen.getByRole('button', { name: 'List columns' }));
    await user.click(screen.getByRole('button', { name: 'Reset columns' }));
    expect(headers()).toEqual(before);
  });

  it('keeps the last visible column, and ignores a saved layout it does not understand', () => {
    localStorage.setItem('tokentap.columnLayout', '{"order":["nope","time"],"hidden":["time","method"]}');
    const layout = loadColumnLayout();
    expect(layout.order[0]).toBe('time');
    expect(layout.order).not.toContain('nope');
    localStorage.setItem('tokentap.columnLayout', 'not json');
    expect(loadColumnLayout().hidden).toEqual([]);
  });
});
