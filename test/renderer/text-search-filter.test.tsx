// @vitest-environment jsdom
/**
 * `text:"…"` in the filter bar: parsed as full-text search, asked of the main side (search.text)
 * instead of searching in the renderer, and the list narrowed to what it found, like any filter.
 */
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { compileQuery } from '../../renderer/filter/query-match.ts';
import { parseQuery } from '../../renderer/filter/query-parse.ts';
import { dataRows, renderApp, setupDomTests } from './support/dom.tsx';
import { MemoryApi } from './support/memory-api.ts';
import { sampleRecords, summaryOf } from './support/records.ts';

setupDomTests();
const ids = () => dataRows().map((r) => r.getAttribute('data-id'));

describe('text:"…" full-text search', () => {
  it('parses as a search term, and matches only the ids the main side found', () => {
    expect(parseQuery('text:"Capital OF" model:gpt-4o').terms).toEqual([
      { kind: 'search', negate: false, text: 'capital of' },
      { kind: 'field', negate: false, field: 'model', value: 'gpt-4o' },
    ]);
    const summaries = sampleRecords().map(summaryOf);
    expect(summaries.filter(compileQuery('text:"capital of"')).length).toBe(0);
    const hits = new Map([['capital of', new Set(['ex-chat'])]]);
    expect(summaries.filter(compileQuery('text:"capital of"', hits)).map((s) => s.id)).toEqual(['ex-chat']);
    expect(summaries.filter(compileQuery('-text:"capital of"', hits)).map((s) => s.id)).not.toContain(
      'ex-chat',
    );
  });

  it('narrows the list to the exchanges whose request or merged answer holds the text, asked of the main side', async () => {
    const api = new MemoryApi(sampleRecords());
    renderApp(api);
    await waitFor(() => expect(dataRows().length).toBe(sampleRecords().length));
    const input = screen.getByRole('combobox', { name: 'Filter requests' });
    // Request text of one exchange (its user message), any case.
    fireEvent.change(input, { target: { value: 'text:"WEATHER in paris"' } });
    await waitFor(() => expect(ids()).toEqual(['ex-tools']), { timeout: 5000 });
    expect(api.calls).toContainEqual({ channel: 'search.text', args: ['weather in paris', null] });
    // The merged text of a stream (no single chunk holds it).
    fireEvent.change(input, { target: { value: 'text:"of mexico is mexico city"' } });
    await waitFor(() => expect(ids()).toEqual(['ex-chat']), { timeout: 5000 });
    fireEvent.change(input, { target: { value: 'text:"nowhere in any exchange"' } });
    await waitFor(() => expect(ids()).toEqual([]), { timeout: 5000 });
  });
});
