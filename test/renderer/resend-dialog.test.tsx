// @vitest-environment jsdom
import { screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { ExchangeRecord } from '../../shared/exchange/exchange-record.ts';
import { renderApp, setupDomTests } from './support/dom.tsx';
import { MemoryApi } from './support/memory-api.ts';
import { sampleRecords } from './support/records.ts';

setupDomTests();

function rowOf(id: string): HTMLElement {
  const row = within(screen.getByRole('grid', { name: 'Requests' }))
    .getAllByRole('row')
    .find((r) => r.getAttribute('data-id') === id);
  if (!row) throw new Error(`no row ${id}`);
  return row;
}

async function openResend(api: MemoryApi, title: RegExp = /^Resend POST/) {
  const user = userEvent.setup();
  renderApp(api);
  await waitFor(() => rowOf('ex-chat'));
  await user.pointer({ keys: '[MouseLeft]', target: rowOf('ex-chat') });
  const detail = await screen.findByRole('region', { name: 'Exchange detail' });
  const resend = within(detail).getByRole('button', { name: 'Resend…' });
  await waitFor(() => expect((resend as HTMLButtonElement).disabled).toBe(false));
  await user.click(resend);
  const dialog = await screen.findByRole('dialog', { name: title });
  return { user, dialog: within(dialog) };
}

describe('resend form', () => {
  it('prefills the body, sends the edits and the key, and selects the new exchange', async () => {
    const api = new MemoryApi(sampleRecords());
    const { user, dialog } = await openResend(api);
    const body = dialog.getByLabelText('Request body') as HTMLTextAreaElement;
    expect(JSON.parse(body.value)).toMatchObject({ model: 'gpt-4o', stream: true });
    expect(body.value).toContain('\n  "model"');
    const key = dialog.getByLabelText('API key') as HTMLInputElement;
    expect(key.type).toBe('password');
    expect(key.autocomplete).toBe('off');
    expect(dialog.getByText(/Empty uses/).textContent).toContain('OPENAI_API_KEY');

    await user.type(dialog.getByLabelText('Model'), 'gpt-4o-mini');
    await user.type(key, 'sk-typed-here');
    await user.click(dialog.getByRole('button', { name: 'Send' }));

    await waitFor(() => expect(screen.queryByRole('dialog', { name: /^Resend/ })).toBeNull());
    const call = api.calls.find((c) => c.channel === 'exchanges.resend');
    // Unedited, the body is not sent: the request goes as captured.
    expect(call?.args).toEqual([
      { id: 'ex-chat', session: null, model: 'gpt-4o-mini', apiKey: 'sk-typed-here' },
    ]);
    const detail = screen.getByRole('region', { name: 'Exchange detail' });
    await waitFor(() => expect(rowOf('ex-chat-resent-8').getAttribute('aria-selected')).toBe('true'));
    expect(within(detail).getAllByText('gpt-4o-mini', { exact: false }).length).toBeGreaterThan(0);
    // The overview links back to the original; following it selects it.
    const link = within(detail).getByRole('button', { name: /^Resent from #1/ });
    await user.click(link);
    await waitFor(() => expect(rowOf('ex-chat').getAttribute('aria-selected')).toBe('true'));
    // The key went nowhere else: not into storage, not into the store.
    expect(JSON.stringify({ ...localStorage })).not.toContain('sk-typed-here');
    expect(JSON.stringify({ ...sessionStorage })).not.toContain('sk-typed-here');
  });

  it('sends an edited body, refuses one that is not JSON, and shows errors inline', async () => {
    const api = new MemoryApi(sampleRecords());
    const { user, dialog } = await openResend(api);
    const body = dialog.getByLabelText('Request body') as HTMLTextAreaElement;
    await user.clear(body);
    await user.click(body);
    await user.paste('{"model": "gpt-4o", "messages": [');
    await user.click(dialog.getByRole('button', { name: 'Send' }));
    expect(dialog.getByRole('alert').textContent).toMatch(/not valid JSON/);
    expect(api.calls.some((c) => c.channel === 'exchanges.resend')).toBe(false);

    await user.clear(body);
    await user.click(body);
    await user.paste('{"model":"gpt-4o","messages":[{"role":"user","content":"again"}]}');
    api.exchanges.resend = async (request) => {
      api.calls.push({ channel: 'exchanges.resend', args: [request] });
      throw new Error('No API key: set OPENAI_API_KEY or type one');
    };
    await user.click(dialog.getByRole('button', { name: 'Send' }));
    await waitFor(() =>
      expect(dialog.getByRole('alert').textContent).toBe('No API key: set OPENAI_API_KEY or type one'),
    );
    expect(api.calls.find((c) => c.channel === 'exchanges.resend')?.args).toEqual([
      {
        id: 'ex-chat',
        session: null,
        body: '{"model":"gpt-4o","messages":[{"role":"user","content":"again"}]}',
      },
    ]);
    // Still open, still filled in, for another try.
    expect(screen.getByRole('dialog', { name: /^Resend/ })).toBeTruthy();
  });

  it('links a replayed answer to the recording, and says when nothing matched', async () => {
    const records = sampleRecords();
    const chat = records.find((r) => r.id === 'ex-chat') as ExchangeRecord;
    const replayed: ExchangeRecord = { ...chat, id: 'ex-replayed', seq: 20, replayOf: 'ex-chat' };
    const missed: ExchangeRecord = { ...chat, id: 'ex-missed', seq: 21, status: 404, replayOf: 'miss' };
    const api = new MemoryApi([...records, replayed, missed]);
    const user = userEvent.setup();
    renderApp(api);
    await waitFor(() => rowOf('ex-replayed'));
    await user.pointer({ keys: '[MouseLeft]', target: rowOf('ex-missed') });
    const detail = await screen.findByRole('region', { name: 'Exchange detail' });
    expect(await within(detail).findByText('no recording matched this request')).toBeTruthy();
    await user.pointer({ keys: '[MouseLeft]', target: rowOf('ex-replayed') });
    await user.click(await within(detail).findByRole('button', { name: /^Replay of #1/ }));
    await waitFor(() => expect(rowOf('ex-chat').getAttribute('aria-selected')).toBe('true'));
  });

  it('shows the exact URL it sends to: the path on the proxy, never another host', async () => {
    const { dialog } = await openResend(new MemoryApi(sampleRecords()));
    await waitFor(() =>
      expect(dialog.getByText(/^http:\/\/127/).textContent).toBe('http://127.0.0.1:3000/v1/chat/completions'),
    );
  });

  it('refuses a recording whose path would lead to another host, and sends nothing', async () => {
    const records = sampleRecords().map((r) =>
      r.id === 'ex-chat' ? { ...r, path: '@evil.example:8080/v1/chat/completions' } : r,
    );
    const api = new MemoryApi(records);
    const { user, dialog } = await openResend(api, /^Resend POST @evil/);
    await waitFor(() => expect(dialog.getByRole('alert').textContent).toMatch(/^Refusing to resend/));
    expect(dialog.queryByText(/evil\.example:8080\/v1/, { selector: 'code' })).toBeNull();
    await user.click(dialog.getByRole('button', { name: 'Send' }));
    expect(api.calls.some((c) => c.channel === 'exchanges.resend')).toBe(false);
  });
});
