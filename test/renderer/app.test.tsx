// @vitest-environment jsdom
import { act, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { App } from '../../renderer/components/app.tsx';
import { type PlaybackClock, PlaybackClockContext } from '../../renderer/playback/playback-clock.ts';
import type { ExportRequest } from '../../shared/contract/inspector-contract.ts';
import type { ExchangeRecord } from '../../shared/exchange/exchange-record.ts';
import { dataRows, grid, nextFrame, renderApp, renderWithStore, setupDomTests } from './support/dom.tsx';
import { manualClock } from './support/manual-clock.ts';
import { MemoryApi } from './support/memory-api.ts';
import { buildExchange, sampleRecords, summaryOf } from './support/records.ts';

setupDomTests();

const records = sampleRecords();
const byId = (id: string): ExchangeRecord => {
  const r = records.find((x) => x.id === id);
  if (!r) throw new Error(id);
  return r;
};

async function renderWithRecords(clock?: PlaybackClock) {
  const api = new MemoryApi(records);
  const user = userEvent.setup();
  if (clock)
    renderWithStore(
      <PlaybackClockContext value={clock}>
        <App />
      </PlaybackClockContext>,
      api,
    );
  else renderApp(api);
  await waitFor(() => expect(dataRows()).toHaveLength(records.length));
  return { api, user };
}

async function selectRow(user: ReturnType<typeof userEvent.setup>, id: string) {
  const row = dataRows().find((r) => r.getAttribute('data-id') === id);
  if (!row) throw new Error(`no row ${id}`);
  await user.pointer({ keys: '[MouseLeft]', target: row });
  await waitFor(() => expect(row?.getAttribute('aria-selected')).toBe('true'));
}

describe('request list', () => {
  it('shows a row per exchange with its columns', async () => {
    await renderWithRecords();
    const chat = dataRows()[0] as HTMLElement;
    const cells = within(chat)
      .getAllByRole('gridcell')
      .map((c) => c.textContent);
    expect(cells).toEqual([
      expect.stringMatching(/^\d\d:\d\d:\d\d\.\d{3}$/),
      'POST',
      'chat',
      '/v1/chat/completions',
      'gpt-4o-2024-08-06',
      'sk-…wxyz·3f9a1c',
      '200',
      '14',
      '8',
      expect.stringMatching(/^\$0\.000\d+$/),
      expect.stringMatching(/ms$/),
      expect.stringMatching(/ms$/),
      // Recorded before routes: no provider.
      '—',
    ]);
    // An interrupted stream has no usage: unknown, not 0.
    const cut = dataRows().find((r) => r.getAttribute('data-id') === 'ex-cut') as HTMLElement;
    expect(within(cut).getAllByText('unknown').length).toBeGreaterThanOrEqual(2);
  });

  it('adds and updates rows from live batches, once per animation frame', async () => {
    const { api } = await renderWithRecords();
    const { record, snapshots } = buildExchange({
      id: 'ex-live',
      seq: 8,
      fixture: 'openai-chat-stream-usage.sse',
      body: { model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'hi' }] },
    });
    const streaming = snapshots.find((s) => s.state === 'streaming');
    if (!streaming) throw new Error('no streaming snapshot');
    act(() => api.progress(snapshots[0] as never));
    act(() => api.progress(streaming));
    // Nothing is applied until the frame.
    expect(dataRows()).toHaveLength(records.length);
    await act(nextFrame);
    const live = () => dataRows().find((r) => r.getAttribute('data-id') === 'ex-live') as HTMLElement;
    expect(live()).toBeDefined();
    expect(within(live()).getByText('200 streaming')).toBeDefined();
    act(() => api.progress(summaryOf(record), record));
    await act(nextFrame);
    expect(within(live()).getByText('200')).toBeDefined();
    const cells = within(live())
      .getAllByRole('gridcell')
      .map((c) => c.textContent);
    expect(cells.slice(6, 9)).toEqual(['200', '14', '8']);
  });

  it('moves the selection with the arrow keys and shows the detail', async () => {
    const { user } = await renderWithRecords();
    grid().focus();
    await user.keyboard('{ArrowDown}');
    await waitFor(() => expect(dataRows()[0]?.getAttribute('aria-selected')).toBe('true'));
    await user.keyboard('{ArrowDown}{ArrowDown}');
    await waitFor(() => expect(dataRows()[2]?.getAttribute('aria-selected')).toBe('true'));
    expect(grid()?.getAttribute('aria-activedescendant')).toBe('row-ex-responses');
    const detail = screen.getByRole('region', { name: 'Exchange detail' });
    expect(within(detail).getByText('/v1/responses')).toBeDefined();
    await user.keyboard('{End}');
    await waitFor(() => expect(dataRows().at(-1)?.getAttribute('aria-selected')).toBe('true'));
    await user.keyboard('{Home}{ArrowUp}');
    await waitFor(() => expect(dataRows()[0]?.getAttribute('aria-selected')).toBe('true'));
  });

  it('sorts by a column header and back', async () => {
    const { user } = await renderWithRecords();
    await user.click(screen.getByRole('button', { name: /Total duration.*sort ascending/ }));
    const durations = () => dataRows().map((r) => r.getAttribute('data-id'));
    const by = (sign: number) =>
      [...records]
        .sort((a, b) => sign * ((a.timings.totalMs ?? 0) - (b.timings.totalMs ?? 0)) || a.seq - b.seq)
        .map((r) => r.id);
    await waitFor(() => expect(durations()).toEqual(by(1)));
    await user.click(screen.getByRole('button', { name: /Total duration.*sort descending/ }));
    // Equal durations keep arrival order either way.
    await waitFor(() => expect(durations()).toEqual(by(-1)));
  });

  it('filters with the query language and autocompletes captured models', async () => {
    const { user } = await renderWithRecords();
    const input = screen.getByRole('combobox', { name: 'Filter requests' });
    await user.type(input, 'model:cl');
    const option = await screen.findByRole('option', { name: /model:claude-sonnet-4-6/ });
    await user.click(option);
    expect((input as HTMLInputElement).value).toBe('model:claude-sonnet-4-6 ');
    await waitFor(() => expect(dataRows().map((r) => r.getAttribute('data-id'))).toEqual(['ex-anthropic']));
    expect(screen.getByText(`1 of ${records.length}`)).toBeDefined();
    await user.clear(input);
    await user.type(input, 'is:aborted{Enter}');
    await waitFor(() => expect(dataRows().map((r) => r.getAttribute('data-id'))).toEqual(['ex-cut']));
  });
});

describe('exchange detail', () => {
  it('Overview states integrity problems in plain words', async () => {
    const { user } = await renderWithRecords();
    await selectRow(user, 'ex-cut');
    const detail = screen.getByRole('region', { name: 'Exchange detail' });
    await waitFor(() =>
      expect(
        within(detail).getByText('client closed the connection before the response ended'),
      ).toBeDefined(),
    );
    expect(within(detail).getByText('stream ended without [DONE]')).toBeDefined();
    expect(within(detail).getByText(/usage missing/)).toBeDefined();
    expect(within(detail).getAllByText('unknown').length).toBeGreaterThan(0);
  });

  it('Conversation shows the messages with roles, the answer, and the tools offered', async () => {
    const { user } = await renderWithRecords();
    await selectRow(user, 'ex-tools');
    await user.click(screen.getByRole('tab', { name: 'Conversation' }));
    const messages = await screen.findByRole('list', { name: 'Messages' });
    const items = within(messages).getAllByRole('listitem');
    expect(items.map((li) => li.querySelector('.chat-role')?.textContent)).toEqual([
      'system',
      'user',
      'assistant',
    ]);
    expect(within(messages).getByText('Weather in Paris and Tokyo?')).toBeDefined();
    const tools = screen.getByRole('region', { name: 'Tools offered' });
    expect(within(tools).getByText('get_weather')).toBeDefined();
  });

  it('Response shows merged text, tool calls with pretty arguments, and every wire event', async () => {
    const { user } = await renderWithRecords();
    await selectRow(user, 'ex-chat');
    await user.click(screen.getByRole('tab', { name: 'Response' }));
    expect((await screen.findByTestId('merged-text')).textContent).toBe(
      'The capital of Mexico is Mexico City.',
    );
    expect(screen.getByText(/Finish reason: stop/)).toBeDefined();
    const wire = screen.getByRole('table', { name: 'Stream events' });
    // Header row + one row per SSE event, [DONE] included.
    expect(within(wire).getAllByRole('row')).toHaveLength(1 + byId('ex-chat').chunks.length);
    expect(within(wire).getByText('[DONE]')).toBeDefined();

    await selectRow(user, 'ex-tools');
    const calls = await screen.findByRole('region', { name: 'Tool calls' });
    const merged = byId('ex-tools').merged;
    expect(merged?.toolCalls).toHaveLength(2);
    for (const call of merged?.toolCalls ?? []) {
      expect(within(calls).getAllByText(call.name).length).toBeGreaterThan(0);
      const pretty = JSON.stringify(JSON.parse(call.arguments), null, 2);
      expect(
        within(calls).getByText((_, el) => el?.tagName === 'PRE' && el.textContent === pretty),
      ).toBeDefined();
    }
  });

  it('Replay rebuilds the exact final text, instantly or at speed', async () => {
    const clock = manualClock();
    const { user } = await renderWithRecords(clock);
    await selectRow(user, 'ex-anthropic');
    await user.click(screen.getByRole('tab', { name: 'Replay' }));
    const output = await screen.findByRole('region', { name: 'Replayed response' });
    const text = () => within(output).getByTestId('merged-text').textContent ?? '';
    expect(text()).toBe('');
    const final = byId('ex-anthropic').merged?.text as string;
    await user.selectOptions(screen.getByRole('combobox', { name: 'Speed' }), 'instant');
    await waitFor(() => expect(text()).toBe(final));
    expect(screen.getByRole('img', { name: /Gaps between chunks/ })).toBeDefined();

    // At 10×, a frame every 1 ms of the clock plays 10 ms of the recording: the text builds up to the end.
    await user.selectOptions(screen.getByRole('combobox', { name: 'Speed' }), '10');
    await user.click(screen.getByRole('button', { name: 'Restart' }));
    const seen = [text()];
    for (let wall = 1; clock.pending > 0; wall++) {
      expect(wall, 'the playback never ended').toBeLessThan(1000);
      act(() => clock.advance(1));
      if (seen.at(-1) !== text()) seen.push(text());
    }
    expect(seen[0]).toBe('');
    expect(seen.length).toBeGreaterThan(2);
    for (const [i, step] of seen.entries())
      expect(final.startsWith(step), `step ${i} is a prefix`).toBe(true);
    expect(seen.at(-1)).toBe(final);
    expect(screen.getByRole('button', { name: 'Play' })).toBeDefined();
  });

  it('Replay seeks with the scrubber', async () => {
    const { user } = await renderWithRecords();
    await selectRow(user, 'ex-cut');
    await user.click(screen.getByRole('tab', { name: 'Replay' }));
    const scrubber = await screen.findByRole('slider', { name: 'Replay position' });
    const chunks = byId('ex-cut').chunks;
    // Just after the stall: the text up to that chunk.
    act(() => {
      const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set;
      setter?.call(scrubber, String(chunks[3]?.t));
      scrubber.dispatchEvent(new Event('input', { bubbles: true }));
    });
    const output = screen.getByRole('region', { name: 'Replayed response' });
    await waitFor(() => expect(within(output).getByTestId('merged-text').textContent).toBe('The capital of'));
  });
});

describe('usage totals', () => {
  it('shows unknown (never 0) where no request reported usage, and filters on click', async () => {
    const { user } = await renderWithRecords();
    await user.click(screen.getByRole('button', { name: 'Usage' }));
    const perTenant = await screen.findByRole('table', { name: 'Per tenant' });
    const bad = within(perTenant).getByRole('row', { name: /sk-…bad0·000000/ });
    const cells = within(bad)
      .getAllByRole('cell')
      .map((c) => c.textContent);
    // requests, errors, input, output, cached, reasoning, total, cost, unknown usage
    expect(cells).toEqual(['1', '1', 'unknown', 'unknown', 'unknown', 'unknown', 'unknown', 'unknown', '1']);
    const main = within(perTenant).getByRole('row', { name: /sk-…wxyz·3f9a1c/ });
    const mainCells = within(main)
      .getAllByRole('cell')
      .map((c) => c.textContent);
    expect(mainCells[0]).toBe('3');
    expect(mainCells[8]).toBe('1');
    expect(screen.getByRole('img', { name: /Tokens over time per model/ })).toBeDefined();

    await user.click(bad);
    await waitFor(() => expect(dataRows().map((r) => r.getAttribute('data-id'))).toEqual(['ex-401']));
    expect((screen.getByRole('combobox', { name: 'Filter requests' }) as HTMLInputElement).value).toBe(
      'tenant:sk-…bad0·000000',
    );
  });
});

describe('export and import', () => {
  function captureDownloads() {
    const blobs: Blob[] = [];
    const names: string[] = [];
    URL.createObjectURL = vi.fn((blob: Blob) => {
      blobs.push(blob);
      return `blob:test/${blobs.length}`;
    });
    URL.revokeObjectURL = vi.fn();
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      names.push(this.download);
    });
    return { blobs, names };
  }

  it('downloads the whole session as JSONL', async () => {
    const { api, user } = await renderWithRecords();
    const { blobs, names } = captureDownloads();
    await user.click(screen.getByRole('button', { name: 'Export' }));
    await user.click(screen.getByRole('button', { name: /Session as JSONL/ }));
    await waitFor(() => expect(names).toHaveLength(1));
    expect(names[0]).toMatch(/\.jsonl$/);
    expect(blobs[0]?.type).toBe('application/x-ndjson');
    const lines = (await blobs[0]?.text())?.trim().split('\n') ?? [];
    expect(lines.map((l) => (JSON.parse(l) as ExchangeRecord).id)).toEqual(records.map((r) => r.id));
    expect(api.calls.find((c) => c.channel === 'export.build')?.args).toEqual([
      { format: 'jsonl', session: null, ids: null },
    ]);
  });

  it('downloads only the filtered rows as HAR', async () => {
    const { api, user } = await renderWithRecords();
    const { blobs, names } = captureDownloads();
    await user.type(
      screen.getByRole('combobox', { name: 'Filter requests' }),
      'is:streaming -is:aborted{Enter}',
    );
    await waitFor(() => expect(dataRows()).toHaveLength(5));
    await user.click(screen.getByRole('button', { name: 'Export' }));
    await user.click(screen.getByRole('button', { name: /Filtered rows as HAR \(5\)/ }));
    await waitFor(() => expect(names).toHaveLength(1));
    expect(names[0]).toMatch(/\.har$/);
    const har = JSON.parse((await blobs[0]?.text()) ?? '{}') as { log: { entries: unknown[] } };
    expect(har.log.entries).toHaveLength(5);
    expect(api.calls.find((c) => c.channel === 'export.build')?.args).toEqual([
      {
        format: 'har',
        session: null,
        ids: ['ex-chat', 'ex-tools', 'ex-responses', 'ex-anthropic', 'ex-ollama'],
      },
    ]);
  });

  it('in the desktop app, has the main process save the export where the user picks', async () => {
    const api = Object.assign(new MemoryApi(records), {
      saved: [] as ExportRequest[],
      async saveExport(request: ExportRequest) {
        this.saved.push(request);
        return '/home/me/tokentap-session.har';
      },
    });
    const user = userEvent.setup();
    renderApp(api);
    await waitFor(() => expect(dataRows()).toHaveLength(records.length));
    const { names } = captureDownloads();
    await user.click(screen.getByRole('button', { name: 'Export' }));
    await user.click(screen.getByRole('button', { name: /Session as HAR/ }));
    await waitFor(() =>
      expect(screen.getByText(/Exported to \/home\/me\/tokentap-session\.har/)).toBeDefined(),
    );
    expect(api.saved).toEqual([{ format: 'har', session: null, ids: null }]);
    // Nothing built in the window, nothing downloaded by it.
    expect(api.calls.find((c) => c.channel === 'export.build')).toBeUndefined();
    expect(names).toEqual([]);
  });

  it('imports a JSONL file and opens it read-only', async () => {
    const { user } = await renderWithRecords();
    const content = `${records
      .slice(0, 2)
      .map((r) => JSON.stringify(r))
      .join('\n')}\n`;
    const file = new File([content], 'old-capture.jsonl', { type: 'application/x-ndjson' });
    await user.upload(screen.getByLabelText('Import a HAR or JSONL file'), file);
    await waitFor(() => expect(dataRows()).toHaveLength(2));
    expect(screen.getByText(/Viewing past session/)).toBeDefined();
    expect(screen.getByText(/Imported 2 exchanges into old-capture/)).toBeDefined();
    await user.click(screen.getByRole('button', { name: 'Back to live' }));
    await waitFor(() => expect(dataRows()).toHaveLength(records.length));
  });
});

describe('top bar', () => {
  it('shows the proxy, copies the base_url and pauses capture', async () => {
    const { api, user } = await renderWithRecords();
    expect(screen.getByText(/Listening on/).textContent).toContain('127.0.0.1:3000');
    expect(screen.getByText('http://127.0.0.1:3000/v1')).toBeDefined();
    const writeText = vi.fn(async () => undefined);
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText } });
    await user.click(screen.getByRole('button', { name: 'Copy base URL' }));
    expect(writeText).toHaveBeenCalledWith('http://127.0.0.1:3000/v1');
    await user.click(screen.getByRole('button', { name: 'Capturing' }));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Capture paused' })).toBeDefined());
    expect(api.paused).toBe(true);
  });

  it('saves settings and shows an error from the proxy in the dialog', async () => {
    const { api, user } = await renderWithRecords();
    await user.click(screen.getByRole('button', { name: 'Proxy settings' }));
    const dialog = screen.getByRole('dialog', { name: 'Proxy settings' });
    const listen = within(dialog).getByLabelText('Listen address');
    await user.clear(listen);
    await user.type(listen, 'nonsense');
    await user.click(within(dialog).getByRole('button', { name: /Save/ }));
    expect((await within(dialog).findByRole('alert')).textContent).toContain('bad listen address nonsense');
    await user.clear(listen);
    await user.type(listen, '127.0.0.1:4000');
    await user.click(within(dialog).getByRole('button', { name: /Save/ }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(api.settingsValue.listenAddr).toBe('127.0.0.1:4000');
    expect(screen.getByText('http://127.0.0.1:4000/v1')).toBeDefined();
  });
});
