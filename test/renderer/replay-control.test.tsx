// @vitest-environment jsdom
import { act, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { dataRows, renderApp, setupDomTests } from './support/dom.tsx';
import { MemoryApi } from './support/memory-api.ts';
import { sampleRecords, summaryOf } from './support/records.ts';

setupDomTests();

async function openReplay() {
  const api = new MemoryApi(sampleRecords());
  const user = userEvent.setup();
  renderApp(api);
  const button = await screen.findByRole('button', { name: 'Replay' });
  await user.click(button);
  const dialog = await screen.findByRole('dialog', { name: 'Replay' });
  return { api, user, dialog };
}

describe('replay control', () => {
  it('starts a replay of the current session with the chosen speed, fall-through and faults', async () => {
    const { api, user, dialog } = await openReplay();
    const form = within(dialog);
    expect((form.getByLabelText('Recording') as HTMLSelectElement).value).toBe('');
    expect(form.getByRole('option', { name: /^Current session/ })).toBeTruthy();
    await user.selectOptions(form.getByLabelText('Speed'), 'As fast as possible');
    await user.click(form.getByLabelText(/Fall through/));
    await user.click(form.getByLabelText('Drop the usage'));
    await user.click(form.getByLabelText('Cut the connection after'));
    const events = form.getByLabelText('Events before the cut');
    await user.clear(events);
    await user.type(events, '3');
    await user.click(form.getByLabelText('Rate limit: 429 with retry-after'));
    await user.click(form.getByRole('button', { name: 'Start replay' }));

    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Replay' })).toBeNull());
    expect(api.calls.find((c) => c.channel === 'replay.start')?.args).toEqual([
      {
        session: null,
        speed: 0,
        fallthrough: true,
        faults: [
          { kind: 'drop-usage' },
          { kind: 'cut-after', events: 3 },
          { kind: 'rate-limit', retryAfterSeconds: 1 },
        ],
      },
    ]);
    const banner = screen.getByRole('status', { name: 'Replay mode' });
    expect(banner.textContent).toMatch(/Replaying 2026-.*· 7 recordings · served 0 · missed 0/);
    expect(banner.textContent).toContain('as fast as possible, misses go to the upstream, usage dropped');
  });

  it('shows served and missed counts live from status updates, and stops', async () => {
    const { api, user, dialog } = await openReplay();
    await user.click(within(dialog).getByRole('button', { name: 'Start replay' }));
    const banner = await screen.findByRole('status', { name: 'Replay mode' });
    const replay = api.replayStatus;
    if (!replay) throw new Error('replay did not start');
    api.replayStatus = { ...replay, served: 3, misses: 1 };
    act(() => api.emitStatus());
    await waitFor(() => expect(banner.textContent).toContain('served 3 · missed 1'));

    await user.click(within(banner).getByRole('button', { name: 'Stop replay' }));
    await waitFor(() => expect(screen.queryByRole('status', { name: 'Replay mode' })).toBeNull());
    expect(api.calls.some((c) => c.channel === 'replay.stop')).toBe(true);
    // Back to the popover button.
    expect(screen.getByRole('button', { name: 'Replay' })).toBeTruthy();
  });

  it('replays another session when picked, and says what is wrong inline', async () => {
    const { api, user, dialog } = await openReplay();
    const { session } = await api.import.load({
      name: 'fixture.jsonl',
      content: sampleRecords()
        .slice(0, 2)
        .map((r) => JSON.stringify(r))
        .join('\n'),
    });
    // The form reads the session list when it opens: close and open it to see the new session.
    await user.keyboard('{Escape}');
    await user.click(screen.getByRole('button', { name: 'Replay' }));
    expect(dialog.isConnected).toBe(false);
    const form = within(await screen.findByRole('dialog', { name: 'Replay' }));
    await waitFor(() => expect(form.getByRole('option', { name: /^fixture/ })).toBeTruthy());
    await user.selectOptions(form.getByLabelText('Recording'), session.id);
    await user.click(form.getByLabelText('Delay the first byte by'));
    await user.clear(form.getByLabelText('Milliseconds before the first byte'));
    await user.click(form.getByRole('button', { name: 'Start replay' }));
    expect(form.getByRole('alert').textContent).toMatch(/whole number/);
    expect(api.calls.some((c) => c.channel === 'replay.start')).toBe(false);

    await user.type(form.getByLabelText('Milliseconds before the first byte'), '250');
    api.replay.start = async () => {
      throw new Error('The session has no recordings');
    };
    await user.click(form.getByRole('button', { name: 'Start replay' }));
    await waitFor(() => expect(form.getByRole('alert').textContent).toBe('The session has no recordings'));
  });

  it('counts the current session live: exchanges captured while the app runs, and while the form is open', async () => {
    const api = new MemoryApi();
    const user = userEvent.setup();
    renderApp(api);
    await screen.findByRole('button', { name: 'Replay' });
    const [first, second, third] = sampleRecords();
    if (!first || !second || !third) throw new Error('not enough sample records');
    // Captured after the app read the status (whose session info said 0).
    act(() => {
      api.progress(summaryOf(first), first);
      api.progress(summaryOf(second), second);
    });
    await waitFor(() => expect(dataRows()).toHaveLength(2));
    await user.click(screen.getByRole('button', { name: 'Replay' }));
    const form = within(await screen.findByRole('dialog', { name: 'Replay' }));
    const current = () => form.getByRole('option', { name: /^Current session/ }).textContent;
    await waitFor(() => expect(current()).toMatch(/, 2 exchanges\)$/));
    // One still streaming is in the list but not yet replayable; once it ends it counts.
    act(() => api.progress({ ...summaryOf(third), state: 'streaming', error: null }));
    await waitFor(() => expect(dataRows()).toHaveLength(3));
    expect(current()).toMatch(/, 2 exchanges\)$/);
    act(() => api.progress(summaryOf(third), third));
    await waitFor(() => expect(current()).toMatch(/, 3 exchanges\)$/));
  });
});
